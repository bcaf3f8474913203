"""Mail to attendees, through the real task queue (database backend, `db_worker --batch`)."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from registrations.models import Registration
from registrations.services.registrations import registration_cancel, registration_create
from registrations.services.tickets import ticket_create

# The worker closes its database connection when it is done, as a process should: the tests
# run outside a wrapping transaction (which also runs on-commit callbacks as they come).
pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("Connection refused")


def register(ticket, **fields):
    return registration_create(
        ticket=ticket,
        mode="online",
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
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
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
