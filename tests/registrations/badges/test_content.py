"""Badges of one attendee: what they say, in which scripts and fonts, as PDF and PNG, on the
attendee's page and attached to the confirmation mail."""

import io
import unicodedata

import pikepdf
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from registrations.badges.content import badge_pdf, badge_png, badge_roles
from registrations.badges.pdf import HEIGHT, QR_SIZE, QR_TOP, WIDTH
from registrations.badges.qr import qr_matrix
from registrations.links import magic_token
from registrations.models import BadgeRole, State
from registrations.services.registrations import registration_cancel, registration_create
from registrations.services.tickets import ticket_create
from sessions.models import RoleKind, SessionStatus
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.factories.registrations import BadgeRegistrationFactory, TicketTypeFactory
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

NAMES = {
    "latin": "Amina Yusuf",
    "chinese": "王小明",
    "traditional": "張偉",
    "cyrillic": "Александра Иванова",
    "arabic": "محمد الهاشمي",
}


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts embedded in the PDF (without the subset prefix)."""
    names = set()
    with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in page.Resources.Font.values():
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.FontDescriptor
                    assert any(key in descriptor for key in ("/FontFile2", "/FontFile3")), (
                        f"{descendant.BaseFont} is not embedded"
                    )
                    names.add(str(descendant.BaseFont).split("+", 1)[-1])
    return names


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, name="Delegate")


@pytest.mark.parametrize("script", NAMES)
def test_badge_pdf_sets_the_name_in_its_script_with_an_embedded_noto_font(ticket, script):
    registration = BadgeRegistrationFactory(ticket=ticket, name=NAMES[script])

    pdf = badge_pdf(registration)

    assert pdf.startswith(b"%PDF-")
    text = normal(pdf_text(pdf))
    assert normal(NAMES[script]) in text
    assert "Asia-Pacific Regional Seminar" in text
    assert registration.badge_secret in text
    fonts = embedded_fonts(pdf)
    assert "NotoSansBold" in fonts  # Latin, Cyrillic: the event, the role, the mode
    if script in ("chinese", "traditional"):
        assert "NotoSansCJKSC" in fonts
    if script == "arabic":
        assert "NotoSansArabicBold" in fonts
    else:
        assert not any("Arabic" in name for name in fonts)


def test_a_badge_with_only_latin_text_does_not_embed_the_cjk_font(ticket):
    pdf = badge_pdf(BadgeRegistrationFactory(ticket=ticket, name="Amina Yusuf"))

    assert not any("CJK" in name for name in embedded_fonts(pdf))
    assert len(pdf) < 100_000


def test_the_badge_says_organisation_country_role_mode_and_dates(event, ticket):
    registration = BadgeRegistrationFactory(
        ticket=ticket,
        organization=OrganizationFactory(name="University of Nairobi"),
        country="KE",
    )

    text = pdf_text(badge_pdf(registration))

    assert "University of Nairobi" in text
    assert "Kenya" in text
    assert "ATTENDEE" in text
    assert "IN PERSON" in text
    assert str(event.start_date.year) in text
    assert event.venue.city in text


def test_an_online_badge_says_online(event):
    online = TicketTypeFactory(event=event, modes="online")
    registration = BadgeRegistrationFactory(ticket=online, mode="online")

    assert "ONLINE" in pdf_text(badge_pdf(registration))


def test_the_badge_is_written_in_the_events_language(ticket, event):
    event.languages = ["ru", "en"]
    event.save()
    registration = BadgeRegistrationFactory(ticket=ticket, country="CN")

    text = pdf_text(badge_pdf(registration))

    assert "Китай" in text  # China, by django-countries in Russian


def test_an_event_working_in_two_languages_gets_its_badge_words_in_both(ticket, event):
    event.languages = ["en", "zh-hans"]
    event.title = {"en": "Regional Seminar", "zh-hans": "区域研讨会"}
    event.save()
    registration = BadgeRegistrationFactory(ticket=ticket)

    text = pdf_text(badge_pdf(registration))

    assert "ATTENDEE · 与会者" in text
    assert "IN PERSON · 现场" in text
    assert "Regional Seminar" in text  # the title in the first language only


def test_a_long_name_shrinks_onto_two_lines_without_being_cut(ticket):
    name = "Maximiliano Alejandro Hernández-Villanueva de la Cruz"
    registration = BadgeRegistrationFactory(ticket=ticket, name=name)

    text = pdf_text(badge_pdf(registration))

    assert "…" not in text
    assert all(word in text for word in name.split())


def test_badge_png_is_the_a6_page_at_300_dpi(ticket):
    registration = BadgeRegistrationFactory(ticket=ticket)

    png = badge_png(registration)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.size == (round(WIDTH / 25.4 * 300), round(HEIGHT / 25.4 * 300))  # 1240 x 1748


def test_the_qr_code_on_the_png_is_the_badge_secret(ticket):
    """Reads each module of the printed code back from the picture: the same modules as the
    QR code of the secret alone (so a scanner reads the secret)."""
    registration = BadgeRegistrationFactory(ticket=ticket)
    dpi = 300
    image = Image.open(io.BytesIO(badge_png(registration, dpi=dpi))).convert("L")
    expected = qr_matrix(registration.badge_secret)
    module = QR_SIZE / len(expected)
    left = (WIDTH - QR_SIZE) / 2

    def dark(row: int, column: int) -> bool:
        x = (left + (column + 0.5) * module) / 25.4 * dpi
        y = (QR_TOP + (row + 0.5) * module) / 25.4 * dpi
        return image.getpixel((round(x), round(y))) < 128

    read = [[dark(row, column) for column in range(len(expected))] for row in range(len(expected))]
    assert read == expected


@pytest.mark.parametrize("length", [1, 8, 24, 60, 120])
def test_the_quick_mask_choice_is_qrcodes_own(length):
    """badges.qr scores the eight masks faster than qrcode; the symbol must be the same."""
    import secrets

    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    for _ in range(20):
        secret = secrets.token_urlsafe(length)
        reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
        reference.add_data(secret)
        reference.make(fit=True)

        assert qr_matrix(secret) == reference.get_matrix()


# --- roles ------------------------------------------------------------------------------------


def test_roles_come_from_the_ticket_the_team_and_the_agenda(event, ticket):
    press = TicketTypeFactory(event=event, name="Media", badge_role=BadgeRole.PRESS)
    organiser = UserFactory(username="org", email="Org@Example.org")
    TeamMemberFactory(event=event, user=organiser, role="organiser")
    TeamMemberFactory(event=event, user=UserFactory(username="door"), role="checkin")
    chair_user = UserFactory(username="prof")
    SessionRoleFactory(
        session=SessionFactory(event=event),
        person=PersonFactory(event=event, user=chair_user),
        role=RoleKind.MODERATOR,
    )
    SessionRoleFactory(
        session=SessionFactory(event=event),
        person=PersonFactory(event=event, email="speaker@example.org"),
        role=RoleKind.PANELLIST,
    )
    SessionRoleFactory(
        session=SessionFactory(event=event, status=SessionStatus.CANCELLED),
        person=PersonFactory(event=event, email="dropped@example.org"),
        role=RoleKind.SPEAKER,
    )
    people = {
        "organiser": BadgeRegistrationFactory(ticket=ticket, email="org@example.org"),
        "staff": BadgeRegistrationFactory(ticket=ticket, email="door@example.org"),
        "chair": BadgeRegistrationFactory(ticket=ticket, user=chair_user),
        "speaker": BadgeRegistrationFactory(ticket=ticket, email="SPEAKER@example.org"),
        "attendee": BadgeRegistrationFactory(ticket=ticket, email="dropped@example.org"),
        "press": BadgeRegistrationFactory(ticket=press, email="speaker@example.org"),
    }

    roles = badge_roles(event, people.values())

    assert {kind: roles[r.pk] for kind, r in people.items()} == {
        "organiser": "organiser",
        "staff": "staff",
        "chair": "chair",
        "speaker": "speaker",
        "attendee": "attendee",
        "press": "press",  # the ticket's own role comes first
    }
    text = pdf_text(badge_pdf(people["chair"]))
    assert "CHAIR" in text


def test_badge_roles_cost_two_queries_however_many_registrations(
    event, ticket, django_assert_num_queries
):
    few = [BadgeRegistrationFactory(ticket=ticket) for _ in range(2)]
    many = few + [BadgeRegistrationFactory(ticket=ticket) for _ in range(8)]
    for registration in many:
        registration.ticket = ticket

    for registrations in (few, many):
        with django_assert_num_queries(2):
            badge_roles(event, registrations)


# --- the attendee's page ------------------------------------------------------------------------


def badge_url(registration, extension="pdf", slug=None, token=None):
    return reverse(
        f"registrations:badge-{extension}",
        kwargs={
            "slug": slug or registration.event.slug,
            "token": token or magic_token(registration),
        },
    )


def test_the_attendees_page_links_to_their_badge(client, ticket):
    registration = BadgeRegistrationFactory(ticket=ticket)
    token = magic_token(registration)

    page = client.get(
        reverse("registrations:mine", kwargs={"slug": registration.event.slug, "token": token})
    ).content.decode()

    assert badge_url(registration, "pdf", token=token) in page
    assert badge_url(registration, "png", token=token) in page


@pytest.mark.parametrize(
    ("extension", "kind", "magic"),
    [("pdf", "application/pdf", b"%PDF-"), ("png", "image/png", b"\x89PNG")],
)
def test_attendees_download_their_badge_with_their_link(client, ticket, extension, kind, magic):
    registration = BadgeRegistrationFactory(ticket=ticket)

    response = client.get(badge_url(registration, extension))

    assert response.status_code == 200
    assert response["Content-Type"] == kind
    assert response.content.startswith(magic)
    assert registration.reference in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_a_badge_needs_the_attendees_own_valid_link_for_this_event(client, ticket):
    registration = BadgeRegistrationFactory(ticket=ticket)
    elsewhere = BadgeRegistrationFactory(ticket=TicketTypeFactory(event=EventFactory()))
    url = reverse(
        "registrations:badge-pdf", kwargs={"slug": registration.event.slug, "token": "forged"}
    )

    assert client.get(url).status_code == 404
    assert client.get(badge_url(elsewhere, slug=registration.event.slug)).status_code == 404
    mine = client.get(badge_url(registration))
    assert mine.status_code == 200
    assert registration.badge_secret in pdf_text(mine.content)
    assert elsewhere.badge_secret not in pdf_text(mine.content)


@pytest.mark.parametrize("state", [State.AWAITING_APPROVAL, State.WAITLISTED, State.CANCELLED])
def test_only_a_confirmed_registration_has_a_badge(client, ticket, state):
    registration = BadgeRegistrationFactory(ticket=ticket, state=state, badge_secret=None)

    assert client.get(badge_url(registration)).status_code == 404
    assert client.get(badge_url(registration, "png")).status_code == 404


def test_a_cancelled_badge_is_gone_from_the_link(client, ticket):
    registration = BadgeRegistrationFactory(ticket=ticket)
    registration_cancel(registration=registration, by=None, reason="changed plans")

    assert client.get(badge_url(registration)).status_code == 404


# --- the confirmation mail ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_mail_carries_the_badge_pdf(event):
    ticket = ticket_create(event=event, by=None, name="Delegate", modes="in_person")
    registration = registration_create(
        ticket=ticket,
        mode="in_person",
        consent_version="v1",
        name="王小明",
        email="wang@example.org",
        country="CN",
    )

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    [message] = mail.outbox
    (filename, content, kind), calendar = message.attachments
    assert calendar[0] == f"{event.slug}.ics"  # tests/sessions/test_mail_calendar.py
    assert kind == "application/pdf"
    assert filename == f"badge-{event.slug}-{registration.reference}.pdf"
    registration.refresh_from_db()
    text = pdf_text(content)
    assert "王小明" in text
    assert registration.badge_secret in text
    assert "Your badge is attached" in message.body


def test_mail_of_other_states_has_no_badge(ticket):
    from registrations.mail import build_message

    registration = BadgeRegistrationFactory(
        ticket=ticket, state=State.WAITLISTED, badge_secret=None
    )

    assert build_message(registration).attachments == []
