"""Certificates of attendance: who gets one, issuing, verification, download, the PDF, mail."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from confman.core.exceptions import Conflict
from registrations.certificates.content import certificate_pdf
from registrations.certificates.selectors import attendees
from registrations.certificates.services import (
    certificate_revoke,
    certificates_issue,
    certificates_send,
)
from registrations.links import magic_token
from registrations.models import Certificate
from tests.factories.sessions import SessionFactory
from tests.helpers import pdf_text

from .conftest import check_in, watch

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def names(found):
    return sorted(a.registration.name for a in found)


def test_attendees_are_those_checked_in_or_online_long_enough(past_event, people):
    found = attendees(past_event)

    assert names(found) == ["Amina Yusuf", "Li Wei"]
    by_name = {a.registration.name: a for a in found}
    assert by_name["Amina Yusuf"].in_person
    assert by_name["Li Wei"].online and by_name["Li Wei"].minutes == 90


def test_attendees_take_a_constant_number_of_queries(
    past_event, people, hybrid_ticket, django_assert_num_queries
):
    with django_assert_num_queries(4):  # settings, viewings, registrations, certificates
        attendees(past_event)
    from tests.factories.registrations import RegistrationFactory

    for n in range(3):
        more = RegistrationFactory(ticket=hybrid_ticket, name=f"Extra {n}", mode="in_person")
        more.event_start_utc = people["present"].event_start_utc
        check_in(more)
    with django_assert_num_queries(4):
        assert len(attendees(past_event)) == 5


def test_issue_twice_is_idempotent(past_event, people, manager):
    assert certificates_issue(event=past_event, by=manager) == 2
    assert certificates_issue(event=past_event, by=manager) == 0

    issued = {c.registration.name: c for c in Certificate.objects.select_related("registration")}
    assert set(issued) == {"Amina Yusuf", "Li Wei"}
    assert issued["Li Wei"].online and issued["Li Wei"].minutes == 90
    assert not issued["Amina Yusuf"].online


def test_issue_only_to_the_chosen_who_attended(past_event, people, manager):
    chosen = [people["present"].pk, people["no_show"].pk, people["brief"].pk]

    assert certificates_issue(event=past_event, registrations=chosen, by=manager) == 1
    assert Certificate.objects.get().registration == people["present"]


def test_no_certificate_before_the_event_has_ended(past_event, people, manager):
    past_event.end_date = timezone.now().date() + dt.timedelta(days=1)
    past_event.save()

    with pytest.raises(Conflict):
        certificates_issue(event=past_event, by=manager)
    assert not Certificate.objects.exists()


def test_session_certificate_counts_overlap_with_the_delayed_session(past_event, people, manager):
    start = dt.datetime.combine(past_event.start_date, dt.time(14), tzinfo=past_event.tzinfo)
    session = SessionFactory(
        event=past_event, start=start, end=start + dt.timedelta(minutes=40), delay_minutes=30
    )
    other_room = SessionFactory(event=past_event).room
    late = people["brief"]
    watch(late, start + dt.timedelta(minutes=30), 40, room=session.room)  # the delayed session
    early = people["no_show"]
    watch(early, start - dt.timedelta(minutes=30), 40)  # ends as the delayed session starts
    elsewhere = people["watcher"]
    watch(elsewhere, start + dt.timedelta(minutes=30), 40, room=other_room)
    check_in(people["present"], at=start, session=session)

    found = attendees(past_event, session)

    assert names(found) == ["Amina Yusuf", "Brief Viewer"]
    assert certificates_issue(event=past_event, session=session, by=manager) == 2
    assert Certificate.objects.filter(session=session).count() == 2


def test_verification_page_for_a_genuine_code_shows_no_email(client, past_event, people, manager):
    certificates_issue(event=past_event, by=manager)
    certificate = Certificate.objects.get(registration=people["present"])
    typed = f" {certificate.display_code.lower()} "

    found = client.get(reverse("registrations:certificate-find"), {"code": typed})
    page = client.get(found["Location"])

    assert page.status_code == 200
    text = page.content.decode()
    assert "This certificate is genuine." in text
    assert "Amina Yusuf" in text and "Policy Forum on Digital Education" in text
    assert people["present"].email not in text


def test_verification_page_for_a_forged_code_is_404(client, past_event, people):
    page = client.get(reverse("registrations:certificate-verify", args=["ACDEFGHJKM"]))

    assert page.status_code == 404
    assert "No certificate has this code." in page.content.decode()


def test_verification_page_for_a_withdrawn_certificate_is_410(client, past_event, people, manager):
    certificates_issue(event=past_event, by=manager)
    certificate = Certificate.objects.get(registration=people["watcher"])
    certificate_revoke(certificate=certificate, by=manager)

    page = client.get(reverse("registrations:certificate-verify", args=[certificate.code]))

    assert page.status_code == 410
    assert "This certificate was withdrawn." in page.content.decode()
    assert people["watcher"].name not in page.content.decode()  # withdrawn: no one named


def test_verification_is_rate_limited(client, settings, past_event):
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "certificates": "3/min"}
    url = reverse("registrations:certificate-verify", args=["ACDEFGHJKM"])

    answers = [client.get(url).status_code for _ in range(4)]

    assert answers == [404, 404, 404, 429]


def test_holder_downloads_by_their_link_and_not_anothers_code(client, past_event, people, manager):
    certificates_issue(event=past_event, by=manager)
    own = Certificate.objects.get(registration=people["present"])
    other = Certificate.objects.get(registration=people["watcher"])
    token = magic_token(people["present"])

    page = client.get(reverse("registrations:mine", args=[past_event.slug, token]))
    mine = client.get(
        reverse("registrations:mine-certificate", args=[past_event.slug, token, own.code])
    )
    theirs = client.get(
        reverse("registrations:mine-certificate", args=[past_event.slug, token, other.code])
    )

    assert "Download your certificate (PDF)" in page.content.decode()
    assert mine.status_code == 200 and mine["Content-Type"] == "application/pdf"
    assert theirs.status_code == 404


def test_pdf_holds_the_name_event_and_code(past_event, people, manager):
    certificates_issue(event=past_event, by=manager)
    certificate = Certificate.objects.get(registration=people["present"])

    text = pdf_text(certificate_pdf(certificate))

    assert "Amina Yusuf" in text
    assert "Policy Forum on Digital Education" in text
    assert certificate.display_code in text
    assert "Present on 2 days" in text


@pytest.mark.parametrize("name", ["محمد الهاشمي", "王小明"])
def test_arabic_and_chinese_names_render(past_event, people, manager, name):
    people["present"].name = name
    people["present"].save()
    certificates_issue(event=past_event, by=manager)
    certificate = Certificate.objects.get(registration=people["present"])

    text = pdf_text(certificate_pdf(certificate))

    if name == "王小明":
        assert name in text
    else:  # shaped Arabic reads back as presentation forms: compare its letters' count
        assert (
            "Policy Forum" in text
            and len([c for c in text if "\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufefc"])
            >= 8
        )


def test_bilingual_event_writes_each_line_in_both(past_event, people, manager):
    past_event.languages = ["en", "fr"]
    past_event.save()
    certificates_issue(event=past_event, by=manager)
    certificate = Certificate.objects.get(registration=people["present"])

    text = pdf_text(certificate_pdf(certificate))

    assert "Certificate of attendance" in text
    assert text.count("/") >= 3  # "This is to certify that / …" and others in both


def test_sending_queues_one_mail_each_and_not_twice(settings, past_event, people, manager):
    settings.TASKS = IMMEDIATE
    certificates_issue(event=past_event, by=manager)

    first = certificates_send(event=past_event, by=manager)
    second = certificates_send(event=past_event, by=manager)

    assert (first, second) == (2, 0)
    assert Certificate.objects.filter(sent_at__isnull=True).count() == 0
    assert certificates_send(event=past_event, again=True, by=manager) == 2


@pytest.mark.django_db(transaction=True)
def test_mail_carries_the_pdf(settings, past_event, people, manager):
    settings.TASKS = IMMEDIATE
    certificates_issue(event=past_event, by=manager)

    certificates_send(event=past_event, by=manager)
    certificates_send(event=past_event, by=manager)

    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == [people["present"].email])
    [(filename, content, kind)] = message.attachments
    assert kind == "application/pdf" and "Amina Yusuf" in pdf_text(content)


def test_organiser_page_lists_attendees_and_issues(client, past_event, people, manager):
    client.force_login(manager)
    url = reverse("registrations:certificates", args=[past_event.slug])

    page = client.get(url)
    issued = client.post(
        reverse("registrations:certificates-issue", args=[past_event.slug]), {"everyone": "1"}
    )
    preview = client.get(reverse("registrations:certificates-preview", args=[past_event.slug]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Amina Yusuf" in text and "Li Wei" in text and "No Show" not in text
    assert issued.status_code == 302 and Certificate.objects.count() == 2
    assert preview.status_code == 200 and "00000-00000" in pdf_text(preview.content)


def test_settings_refuse_a_signature_that_is_not_an_image(client, past_event, manager):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager)
    answer = client.post(
        reverse("registrations:certificates-settings", args=[past_event.slug]),
        {
            "online_minutes": "45",
            "signatories": "Li Wei, Director",
            "signature": SimpleUploadedFile("sig.png", b"not an image", "image/png"),
        },
    )

    assert answer.status_code == 422


def test_a_signature_keeps_its_image_until_a_new_one_is_saved(client, past_event, manager):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from registrations.models import CertificateSettings

    def png(name):
        buffer = io.BytesIO()
        Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
        return SimpleUploadedFile(name, buffer.getvalue(), "image/png")

    client.force_login(manager)
    url = reverse("registrations:certificates-settings", args=[past_event.slug])
    client.post(url, {"online_minutes": "45", "signature": png("sig.png")})
    kept = CertificateSettings.objects.get(event=past_event).signature.name

    refused = client.post(url, {"online_minutes": "45", "signature": png("sig.gif")})

    assert refused.status_code == 422  # a PNG named .gif: a clear error, not a 500
    assert CertificateSettings.objects.get(event=past_event).signature.name == kept
    assert CertificateSettings.objects.get(event=past_event).signature.storage.exists(kept)


def test_odd_digits_in_the_address_are_a_404_not_an_error(client, past_event, manager):
    client.force_login(manager)
    page = reverse("registrations:certificates", args=[past_event.slug])

    assert client.get(page, {"session": "²"}).status_code == 404
    issue = reverse("registrations:certificates-issue", args=[past_event.slug])
    assert client.post(issue, {"registration": "²"}).status_code == 302


@pytest.mark.parametrize("who", ["anonymous", "outsider", "organiser"])
def test_only_organisers_manage_certificates(client, past_event, people, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = reverse("registrations:certificates", args=[past_event.slug])
    issue = reverse("registrations:certificates-issue", args=[past_event.slug])

    page = client.get(url)
    issued = client.post(issue, {"everyone": "1"})

    assert page.status_code in (302, 403, 404)
    assert issued.status_code in (302, 403, 404)
    assert not Certificate.objects.exists()
