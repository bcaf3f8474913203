""" "Starting soon" reminders: made when a session gets a start on the public programme (or is
first kept on an agenda), sent once to the people who keep it, online participants with their
live link; none for a session cancelled, moved on since or under way. Outside a wrapping
transaction, as the on-commit hooks need."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import NoticeSettings, Registration, Reminder
from registrations.notices.reminders import reminders_send
from sessions.models import Bookmark
from sessions.services.chair import session_delay
from sessions.services.sessions import session_cancel, session_move
from tests.factories.sessions import at
from tests.registrations.test_notices import programme  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def reminder_of(session) -> Reminder:
    session.refresh_from_db()
    return Reminder.objects.get(session=session, start=session.actual_start)


def test_the_panel_has_its_reminder_from_the_bookmark(programme):  # noqa: F811
    panel = programme["panel"]

    reminder = reminder_of(panel)

    assert reminder.sent_at is None
    assert reminder.start == at(programme["event"], 0, "09:00")


def test_it_goes_once_to_the_people_who_keep_the_session(programme):  # noqa: F811
    reminder = reminder_of(programme["panel"])

    assert reminders_send.call(reminder.pk) == "1 sent"
    assert reminders_send.call(reminder.pk) == "sent already"

    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert "Opening panel" in message.subject and "09:00" in message.subject
    assert "(UTC+08:00)" in message.body and "Room A" in message.body
    # Amina is online: her live page, with her private key.
    amina = Registration.objects.get(email="amina@example.org")
    assert "/events/seminar/live/?r=" in message.body
    assert amina.reference not in message.body  # the key is signed, not the reference
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_none_for_a_cancelled_session(programme):  # noqa: F811
    reminder = reminder_of(programme["panel"])
    session_cancel(session=programme["panel"], by=programme["by"])

    assert reminders_send.call(reminder.pk) == "not on the programme"
    assert mail.outbox == []


def test_a_moved_session_is_reminded_at_its_new_time_only(programme):  # noqa: F811
    event, panel = programme["event"], programme["panel"]
    old = reminder_of(panel)
    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))
    session_delay(session=panel, by=programme["by"], minutes=20)
    new = reminder_of(panel)

    assert reminders_send.call(old.pk) == "moved"
    assert new.start == at(event, 0, "14:20")
    assert reminders_send.call(new.pk) == "1 sent"
    assert "14:20" in mail.outbox[0].subject


def test_none_once_the_session_is_under_way(programme):  # noqa: F811
    panel = programme["panel"]
    reminder = reminder_of(panel)
    now = timezone.now()
    type(panel).objects.filter(pk=panel.pk).update(
        start=now - dt.timedelta(minutes=5), end=now + dt.timedelta(minutes=55)
    )
    Reminder.objects.filter(pk=reminder.pk).update(start=now - dt.timedelta(minutes=5))

    assert reminders_send.call(reminder.pk) == "under way"


def test_people_who_want_no_reminders_get_none(client, programme):  # noqa: F811
    from registrations import links

    amina = Registration.objects.get(email="amina@example.org")
    client.post(
        f"/events/seminar/registration/{links.magic_token(amina)}/notices/",
        {"kinds": ["moved", "cancelled"]},
    )

    assert reminders_send.call(reminder_of(programme["panel"]).pk) == "0 sent"


def test_reminders_off_makes_none(programme):  # noqa: F811
    event, panel = programme["event"], programme["panel"]
    NoticeSettings.objects.filter(event=event).update(reminder_minutes=0)
    Reminder.objects.all().delete()

    Bookmark.objects.all().delete()
    Bookmark.objects.create(
        user=Registration.objects.get(email="amina@example.org").user, session=panel
    )

    assert not Reminder.objects.exists()


def test_the_reminder_gives_the_time_in_the_participants_zone_too(programme):  # noqa: F811
    Registration.objects.filter(email="amina@example.org").update(time_zone="Europe/Moscow")

    reminders_send.call(reminder_of(programme["panel"]).pk)

    assert "04:00–05:00 (UTC+03:00)" in mail.outbox[0].body  # 09:00 in Shanghai
