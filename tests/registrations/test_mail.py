"""Mail to attendees, through the real task queue (database backend, `db_worker --batch`)."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from registrations.mail import build_message
from registrations.models import Registration, State
from registrations.services.registrations import registration_cancel, registration_create
from registrations.services.tickets import ticket_create
from tests.factories.registrations import RegistrationFactory
from tests.helpers import REFUSING_BACKEND

# The worker closes its database connection when it is done, as a process should: the tests
# run outside a wrapping transaction (which also runs on-commit callbacks as they come).
pytestmark = pytest.mark.django_db(transaction=True)


def register(ticket, mode="online", **fields):
    return registration_create(
        ticket=ticket,
        mode=mode,
        consent_version="v1",
        name=fields.pop("name", "Amina Yusuf"),
        email=fields.pop("email", "amina@example.org"),
        country="KE",
        **fields,
    )


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_confirmation_mail_carries_the_private_link(client, online):
    registration = register(online)

    run_worker()

    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == "Your place at Asia-Pacific Regional Seminar is confirmed"
    assert registration.reference in message.body
    link = next(line for line in message.body.splitlines() if "/registration/" in line)
    page = client.get(link.replace("http://127.0.0.1:8000", "")).content.decode()
    assert "Your place is confirmed, <bdi>Amina Yusuf</bdi>." in page


def test_a_mail_server_that_is_down_keeps_the_registration_and_retries_later(settings, online):
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    registration = register(online)

    run_worker()

    assert Registration.objects.get(pk=registration.pk).state == "confirmed"
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["args"] == [registration.pk, "confirmed", 2]
    assert retry.run_after > timezone.now()
    assert not mail.outbox


def test_a_mail_for_a_state_already_left_is_not_sent(online):
    registration = register(online)
    registration_cancel(registration=registration, by=None, reason="changed plans")

    run_worker()

    assert [m.subject for m in mail.outbox] == [
        "Your registration for Asia-Pacific Regional Seminar is cancelled"
    ]


def test_waiting_list_mail_says_so(event):
    full = ticket_create(event=event, by=None, name="Hall", modes="online", quota=0)
    register(full)

    run_worker()

    assert "you are on the waiting list" in mail.outbox[0].body


def test_a_registrant_who_registered_in_russian_gets_russian_mail_with_a_russian_link(
    client, online
):
    response = client.post(
        "/ru/events/seminar/register/",
        {
            "choice": f"{online.pk}:online",
            "name": "Иван Петров",
            "email": "ivan@example.org",
            "country": "RU",
            "organization_name": "МГУ",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    registration = Registration.objects.get(email="ivan@example.org")
    assert registration.language == "ru"

    run_worker()

    [message] = mail.outbox
    assert message.subject == (
        "Ваше участие в мероприятии «Asia-Pacific Regional Seminar» подтверждено"
    )
    assert message.body.startswith("Уважаемый(-ая) Иван Петров!")
    link = next(line for line in message.body.splitlines() if "/registration/" in line)
    assert "/ru/events/seminar/registration/" in link
    page = client.get(link.replace("http://127.0.0.1:8000", "")).content.decode()
    assert '<html lang="ru"' in page


def test_the_mail_follows_the_language_chosen_on_the_private_page(client, online):
    registration = register(online, language="en")
    run_worker()
    mail.outbox.clear()
    from registrations.links import magic_token

    token = magic_token(registration)
    changed = client.post(
        f"/events/seminar/registration/{token}/language/", {"language": "zh-hans"}
    )
    client.post(f"/events/seminar/registration/{token}/resend/")
    run_worker()

    assert changed.status_code == 302
    registration.refresh_from_db()
    assert registration.language == "zh-hans"
    [message] = mail.outbox
    assert "Asia-Pacific Regional Seminar" in message.subject
    assert "您" in message.body


def test_an_unknown_mail_language_is_refused_with_a_message(client, online):
    registration = register(online, language="en")
    from registrations.links import magic_token

    response = client.post(
        f"/events/seminar/registration/{magic_token(registration)}/language/",
        {"language": "tlh"},
        follow=True,
    )

    registration.refresh_from_db()
    assert registration.language == "en"
    assert "Choose one of the languages offered: en, zh-hans, ru, fr, es, ar." in (
        response.content.decode()
    )


def test_the_events_own_words_are_in_the_registrants_language_in_their_mail(event, online):
    event.languages = ["en", "ru"]
    event.title = {"en": "Regional Seminar", "ru": "Региональный семинар"}
    event.save()
    online.name = {"en": "Online participant", "ru": "Онлайн-участник"}
    online.save()
    register(online, language="ru")

    run_worker()

    [message] = mail.outbox
    assert "Региональный семинар" in message.subject
    assert "Онлайн-участник" in message.body
    assert "Regional Seminar" not in message.body


# The HTML part


class Markup(HTMLParser):
    """The HTML part read back: the words of its body, its links, and every tag closed out of
    turn or never closed."""

    VOID = {"meta", "br", "img", "hr", "link", "input"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []
        self.links: list[str] = []
        self.data: list[str] = []
        self.feed(html)
        self.close()
        self.errors += [f"<{tag}> never closed" for tag in self.open]

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(f"</{tag}> closes {self.open[-1:]}")

    def handle_data(self, data):
        if "body" in self.open:
            self.data.append(data)

    @property
    def words(self) -> str:
        return " ".join("".join(self.data).split())


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def private_link(message) -> str:
    return next(line for line in message.body.splitlines() if "/registration/" in line)


def live_link(message) -> str:
    return next(line for line in message.body.splitlines() if "/live/" in line)


def test_the_mail_has_an_html_part_beside_the_same_text_and_attachments(event, online):
    event.start_date, event.end_date = dt.date(2031, 9, 24), dt.date(2031, 9, 25)
    event.contact_email = "seminar@example.org"
    event.save()
    registration = register(online)

    run_worker()

    [message] = mail.outbox
    link = private_link(message)
    live = live_link(message)
    assert message.body == (
        "Dear Amina Yusuf,\n\n"
        "Your place at Asia-Pacific Regional Seminar is confirmed (Online participant).\n\n"
        f"Reference: {registration.reference}\n"
        "Ticket: Online participant (Online)\n"
        "When: 24 September 2031 – 25 September 2031 (Asia/Shanghai)\n\n"
        "You attend online: there is no badge to print. Follow the event from its live page, "
        "with your links to the streams (this link carries your private key; do not share "
        "it):\n"
        f"{live}\n\n"
        "The event is attached as a calendar file (.ics): open it to add the event to your "
        "calendar.\n\n"
        "See, change or cancel your registration (this link is yours; do not share it):\n"
        f"{link}\n\n"
        "The organisers of Asia-Pacific Regional Seminar\n"
        "seminar@example.org\n\n"
    )
    assert live.startswith("http://127.0.0.1:8000/events/seminar/live/?r=")
    html = html_of(message)
    assert '<html lang="en" dir="ltr">' in html
    assert "Your place at <bdi>Asia-Pacific Regional Seminar</bdi> is confirmed" in html
    assert "(<bdi>Online participant</bdi>)" in html
    assert Markup(html).links == [live, link, link, "mailto:seminar@example.org"]
    parts = [part.get_content_type() for part in message.message().walk()]
    assert parts == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]


def test_an_in_person_confirmation_attaches_the_badge_to_print_or_show_at_the_entrance(event):
    delegate = ticket_create(event=event, by=None, name="Delegate", quota=None)
    register(delegate, mode="in_person")

    run_worker()

    [message] = mail.outbox
    assert (
        "Your badge is attached (PDF): print it on A6 or show it on your phone at the entrance.\n\n"
    ) in message.body
    assert "/live/" not in message.body and "You attend online" not in message.body
    assert "print it on A6" in html_of(message)
    parts = [part.get_content_type() for part in message.message().walk()]
    assert parts[-2:] == ["application/pdf", "text/calendar"]


def test_an_arabic_registrant_gets_a_right_to_left_html_part(online):
    register(online, language="ar")

    run_worker()

    html = html_of(mail.outbox[0])
    assert '<html lang="ar" dir="rtl">' in html
    assert "حضرة <bdi>Amina Yusuf</bdi>،" in html
    assert "تم تأكيد مكانك في <bdi>Asia-Pacific Regional Seminar</bdi>" in html


def test_a_russian_registrant_gets_a_russian_html_part(online):
    register(online, language="ru", name="Иван Петров", email="ivan@example.org")

    run_worker()

    message = mail.outbox[0]
    html = html_of(message)
    assert '<html lang="ru" dir="ltr">' in html
    assert "Уважаемый(-ая) <bdi>Иван Петров</bdi>!" in html
    assert ">Моя регистрация</a>" in html
    live, private = Markup(html).links[:2]
    assert "/ru/events/seminar/live/?r=" in live
    assert "/ru/events/seminar/registration/" in private


def test_a_russian_mail_writes_its_dates_as_russian_does(event, online):
    """ "6 декабря 2026", the month in the genitive after a day, not "6 Декабрь 2026"."""
    event.start_date, event.end_date = dt.date(2026, 12, 6), dt.date(2026, 12, 7)
    event.save()
    register(online, language="ru", name="Иван Петров", email="ivan@example.org")

    run_worker()

    message = mail.outbox[0]
    assert "6 декабря 2026 – 7 декабря 2026" in message.body
    assert "6 декабря 2026 – 7 декабря 2026" in html_of(message)


def test_the_html_part_escapes_the_events_words(event, online):
    event.title = 'Summit <script>alert("x")</script> & Co'
    event.save()
    register(online)

    run_worker()

    message = mail.outbox[0]
    html = html_of(message)
    assert "<script" not in html
    assert "<bdi>Summit &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</bdi>" in html
    assert 'Summit <script>alert("x")</script> & Co' in message.body  # plain text: as written


def cancelled_with_a_reason(ticket) -> Registration:
    registration = register(ticket)
    registration_cancel(registration=registration, by=None, reason="the <hall> is closed")
    return Registration.objects.get(pk=registration.pk)


@pytest.mark.parametrize("state", [*State.values, "cancelled with a reason"])
@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_html_part_is_well_formed_and_says_what_the_text_says(online, state, language):
    if state == "cancelled with a reason":
        registration = cancelled_with_a_reason(online)
    else:
        registration = RegistrationFactory(ticket=online, state=state, name="Amina Yusuf")

    with translation.override(language):
        message = build_message(registration)
        label = translation.gettext("My registration")

    markup = Markup(html_of(message))
    assert markup.errors == []
    # The button's label is the one word the HTML adds.
    assert markup.words.replace(f" {label} ", " ", 1) == " ".join(message.body.split())
