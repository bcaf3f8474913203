"""Plain functions the tests share: reading a page and its messages, publishing a programme,
the update log's time format, a registration's state from the database, a PDF's text,
threads started together for the concurrency tests, a published session with an
organiser's token, a registration's API body, and a mail server that refuses. Fixtures are in
the conftest.py files."""

import datetime as dt
import re
import threading

from django.contrib.messages import get_messages
from django.db import connection
from django.utils import timezone

from events.models import TeamMember
from events.services import api_token_create
from registrations.models import Registration
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, UserFactory
from tests.factories.events import RoomFactory
from tests.factories.sessions import SessionFactory


def page(response) -> str:
    return response.content.decode()


def messages_of(html: str) -> str:
    """The message list a page shows (its `<ul class="messages">`), or "" if it shows none."""
    found = re.search(r'<ul class="messages".*?</ul>', html, re.S)
    return found.group(0) if found else ""


def messages_left(response) -> list[str]:
    """The messages the response's request left for the user, read from the request (so also
    for a redirect that was not followed)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def publish(event) -> None:
    programme_publish(event=event, by=None)


def iso_utc(moment: dt.datetime) -> str:
    """A moment as the update log and the API write it: ISO 8601 in UTC with a Z."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def state_of(registration) -> str:
    return Registration.objects.get(pk=registration.pk).state


def pdf_text(pdf) -> str:
    """The text of a PDF (bytes or a path), page after page, as pdfium reads it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        # pdfium reports a hyphen that ends a line (a badge code may end in one) as U+FFFE.
        return text.replace("\ufffe", "-")
    finally:
        document.close()


def run_in_threads(work, count):
    """Run work(index) in `count` threads started together; return what each returned or
    raised. Each thread closes its own database connection when done."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(index):
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # reported to the test
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def published_session_and_token(starts_in: dt.timedelta) -> tuple:
    """The published programme of a one-day event "seminar" (UTC, today) with one hour-long
    session starting `starts_in` from now (negative: under way), and an API token of an
    organiser of the event: (session, token)."""
    now = timezone.now()
    event = EventFactory(slug="seminar", timezone="UTC", start_date=now.date(), end_date=now.date())
    programme_publish(event=event, by=None)
    start = now + starts_in
    session = SessionFactory(
        event=event, room=RoomFactory(event=event), start=start, end=start + dt.timedelta(hours=1)
    )
    organiser = UserFactory(username="organiser")
    TeamMember.objects.create(event=event, user=organiser, role=TeamMember.Role.ORGANISER)
    return session, api_token_create(user=organiser, name="test")[1]


def registration_body(ticket, **fields) -> dict:
    """What POST /api/events/<slug>/registrations takes for an online participant of `ticket`."""
    return {
        "ticket_id": ticket.pk,
        "mode": "online",
        "name": "Amina Yusuf",
        "email": "amina@example.org",
        "country": "KE",
        "consent": True,
        **fields,
    }


class RefusingBackend:
    """A mail backend whose SMTP server is down: settings.EMAIL_BACKEND = REFUSING_BACKEND."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise OSError("Connection refused")


REFUSING_BACKEND = f"{__name__}.RefusingBackend"
