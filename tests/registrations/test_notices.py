"""Change notices: a window's changes to the public programme become one mail per person, each
session in its final state, in the person's language, with an iCalendar update (iTIP) and
one-click unsubscribe; sent by the task worker, never in the request. Through the real task
queue, outside a wrapping transaction, as the on-commit hooks need."""

import icalendar
import pytest
import vobject
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from registrations import links
from registrations.models import Notice, NoticeSettings, Registration
from registrations.notices.rounds import notices_round
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from sessions.ical import session_uid
from sessions.models import Bookmark, Person, RoleKind, SessionStatus, UpdateKind
from sessions.services.chair import announcement_create, session_delay
from sessions.services.programme import programme_publish, update_log
from sessions.services.sessions import session_cancel, session_move
from tests.factories import RoomFactory, TeamMemberFactory, UserFactory
from tests.factories.registrations import person
from tests.factories.sessions import PersonFactory, SessionRoleFactory, at, session_at
from tests.helpers import REFUSING_BACKEND, RefusingBackend

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def notices_now(event) -> None:
    """The round that the window would start a few minutes from now, then the sending."""
    notices_round.call(event.pk)
    run_worker()


@pytest.fixture
def programme(event):
    """A published programme with two rooms and a panel at 09:00 in room A, followed by
    Amina (a registrant, in Russian) and chaired by Li Wei."""
    organiser = TeamMemberFactory(event=event, role="organiser").user
    room_a = RoomFactory(event=event, name="Room A")
    room_b = RoomFactory(event=event, name="Room B")
    panel = session_at(
        event, room_a, at(event, 0, "09:00"), at(event, 0, "10:00"), title="Opening panel"
    )
    programme_publish(event=event, by=None)
    ticket = ticket_create(event=event, by=None, name="Online", modes="online", quota=None)
    amina = registration_create(
        ticket=ticket,
        mode="online",
        language="ru",
        **person(name="Amina Yusuf", email="amina@example.org"),
    )
    from registrations.services.accounts import registration_account

    Bookmark.objects.create(user=registration_account(amina), session=panel)
    chair = PersonFactory(event=event, name="Li Wei", email="li.wei@example.cn")
    SessionRoleFactory(session=panel, person=chair, role=RoleKind.CHAIR)
    run_worker()  # Amina's confirmation
    mail.outbox.clear()
    return {"event": event, "by": organiser, "panel": panel, "a": room_a, "b": room_b}


def mail_to(address):
    found = [m for m in mail.outbox if m.to == [address]]
    assert len(found) == 1, [m.to for m in mail.outbox]
    return found[0]


def calendars(message):
    return {
        name: content if isinstance(content, str) else content.decode()
        for name, content, mimetype in message.attachments
        if mimetype.startswith("text/calendar")
    }


def test_two_moves_inside_the_window_are_one_line_in_their_final_state(programme):
    event, panel = programme["event"], programme["panel"]
    session_move(session=panel, by=programme["by"], start=at(event, 0, "11:00"))
    session_move(
        session=panel, by=programme["by"], start=at(event, 0, "14:00"), room=programme["b"]
    )

    assert mail.outbox == []  # nothing in the request
    notices_now(event)

    chair = mail_to("li.wei@example.cn")
    assert chair.subject == "A change to the programme of Asia-Pacific Regional Seminar"
    body = chair.body
    assert body.count("Opening panel") == 1
    assert "Moved: now" in body and "14:00–15:00" in body and "Room B" in body
    assert "09:00–10:00" in body and "Room A" in body  # what it was
    assert "11:00" not in body
    assert chair.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert chair.message()["List-Unsubscribe"].startswith("<http")
    assert Notice.objects.filter(status="sent").count() == 2


def test_a_change_undone_inside_the_window_tells_nobody(programme):
    event, panel = programme["event"], programme["panel"]
    session_move(session=panel, by=programme["by"], start=at(event, 0, "11:00"))
    session_move(session=panel, by=programme["by"], start=at(event, 0, "09:00"))

    notices_now(event)

    assert mail.outbox == []
    assert NoticeSettings.objects.get(event=event).told_sequence > 0


def test_each_person_reads_it_in_their_language(programme):
    event, panel = programme["event"], programme["panel"]
    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))

    notices_now(event)

    amina = mail_to("amina@example.org")
    assert "1 изменение в программе" in amina.subject
    assert "Перенесено" in amina.body
    assert "(UTC+08:00)" in amina.body


def test_the_calendar_attachment_updates_the_feeds_entry(programme, read_ics):
    event, panel = programme["event"], programme["panel"]
    session_move(session=panel, by=programme["by"], start=at(event, 0, "11:00"))
    notices_now(event)
    first = calendars(mail_to("li.wei@example.cn"))["update.ics"]
    mail.outbox.clear()
    session_move(session=panel, by=programme["by"], start=at(event, 0, "15:00"))
    notices_now(event)
    second = calendars(mail_to("li.wei@example.cn"))["update.ics"]

    entries = []
    for content in (first, second):
        parsed = icalendar.Calendar.from_ical(content)
        assert parsed["METHOD"] == "REQUEST"
        [entry] = parsed.walk("VEVENT")
        assert str(entry["UID"]) == session_uid(panel)
        assert "mailto:li.wei@example.cn" in str(entry["ATTENDEE"])
        assert str(entry["ORGANIZER"]).startswith("mailto:")
        entries.append(entry)
        vobject.readOne(content)  # a second, independent reader
    assert entries[1]["SEQUENCE"] > entries[0]["SEQUENCE"]
    feed = read_ics_of(event, panel)
    assert feed["UID"] == entries[1]["UID"] and feed["SEQUENCE"] == entries[1]["SEQUENCE"]


def read_ics_of(event, panel):
    from django.test import Client

    content = Client().get(f"/events/{event.slug}/sessions/{panel.pk}/calendar.ics").content
    [entry] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    return entry


def test_a_cancellation_sends_a_cancel(programme):
    event, panel = programme["event"], programme["panel"]
    session_cancel(session=panel, by=programme["by"], reason="The minister cannot come")

    notices_now(event)

    message = mail_to("li.wei@example.cn")
    assert "Cancelled." in message.body and "The minister cannot come" in message.body
    parsed = icalendar.Calendar.from_ical(calendars(message)["cancel.ics"])
    assert parsed["METHOD"] == "CANCEL"
    assert parsed.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_small_delays_are_not_mailed_and_large_ones_are(programme):
    event, panel = programme["event"], programme["panel"]
    session_delay(session=panel, by=programme["by"], minutes=5)
    notices_now(event)
    assert mail.outbox == []

    session_delay(session=panel, by=programme["by"], minutes=20)
    notices_now(event)

    body = mail_to("li.wei@example.cn").body
    assert "Running 20 minutes late: now starts at 09:20 (UTC+08:00)." in body


def test_announcements_are_mailed_only_when_asked(programme):
    event, panel = programme["event"], programme["panel"]
    announcement_create(event=event, by=programme["by"], message="Room change ahead", session=panel)
    notices_now(event)
    assert mail.outbox == []

    announcement_create(
        event=event, by=programme["by"], message="Bring your passport", session=panel, notify=True
    )
    notices_now(event)

    assert "Announcement: Bring your passport" in mail_to("li.wei@example.cn").body


def test_one_click_unsubscribe_stops_them(client, programme):
    event, panel = programme["event"], programme["panel"]
    token = links.unsubscribe_token("li.wei@example.cn", event.pk)

    asked = client.get(f"/notices/unsubscribe/{token}/")
    assert "Stop all change notices" in asked.content.decode()
    stopped = client.post(
        f"/notices/unsubscribe/{token}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert stopped.status_code == 200
    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))
    notices_now(event)

    assert [m.to for m in mail.outbox] == [["amina@example.org"]]


def test_a_participant_chooses_the_kinds(client, programme):
    event, panel = programme["event"], programme["panel"]
    amina = Registration.objects.get(email="amina@example.org")
    page = f"/events/{event.slug}/registration/{links.magic_token(amina)}/"
    client.post(page + "notices/", {"kinds": ["cancelled"]})

    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))
    notices_now(event)
    assert [m.to for m in mail.outbox] == [["li.wei@example.cn"]]
    mail.outbox.clear()

    session_cancel(session=panel, by=programme["by"])
    notices_now(event)
    assert "amina@example.org" in [m.to[0] for m in mail.outbox]


def test_paused_notices_wait_and_go_out_in_their_final_state(client, programme):
    event, panel = programme["event"], programme["panel"]
    client.force_login(programme["by"])
    client.post(
        f"/events/{event.slug}/manage/notices/",
        {"paused": "on", "delay_threshold": "15", "window": "10", "reminder_minutes": "15"},
    )
    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))
    notices_now(event)
    assert mail.outbox == []

    client.post(
        f"/events/{event.slug}/manage/notices/",
        {"delay_threshold": "15", "window": "10", "reminder_minutes": "15"},
    )
    run_worker()  # the round is due at once when notices resume

    assert "14:00" in mail_to("li.wei@example.cn").body
    page = client.get(f"/events/{event.slug}/manage/notices/").content.decode()
    assert "li.wei@example.cn" in page and "2 sent" in page


def test_a_failing_mail_server_is_retried_and_the_others_go(programme, settings):
    event, panel = programme["event"], programme["panel"]
    settings.EMAIL_BACKEND = REFUSING_BACKEND
    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))

    notices_now(event)

    assert set(Notice.objects.values_list("status", "attempts")) == {("queued", 1)}
    assert all("Connection refused" in n.error for n in Notice.objects.all())


def test_cancelled_sessions_that_are_drafts_tell_nobody(programme):
    event = programme["event"]
    draft = session_at(
        event,
        programme["a"],
        at(event, 0, "16:00"),
        at(event, 0, "17:00"),
        title="Draft",
        status=SessionStatus.DRAFT,
    )
    session_move(session=draft, by=programme["by"], start=at(event, 0, "18:00"))

    notices_now(event)

    assert mail.outbox == []


def log_streams(event, before, after) -> None:
    with transaction.atomic():  # update_log writes in its caller's transaction
        update_log(
            event=event,
            kind=UpdateKind.STREAM,
            changes={"streams": {"before": before, "after": after}},
        )


def test_a_changed_stream_link_tells_the_online_participants_a_new_one_nobody(programme):
    event = programme["event"]
    old = [{"language": "en", "url": "https://stream.example.org/a"}]
    new = [{"language": "en", "url": "https://stream.example.org/b"}]
    log_streams(event, [], old)
    notices_now(event)
    assert mail.outbox == []

    log_streams(event, old, new)
    notices_now(event)

    amina = mail_to("amina@example.org")  # online; the chair is not an online participant
    assert "Трансляция изменилась" in amina.body
    assert [m.to for m in mail.outbox] == [["amina@example.org"]]


def test_an_event_announcement_by_the_api_is_mailed_to_the_participants(client, programme, bearer):
    event = programme["event"]

    response = client.post(
        f"/api/events/{event.slug}/announcements",
        {"message": "The dinner moves to the rooftop", "notify": True},
        content_type="application/json",
        headers=bearer(programme["by"]),
    )
    notices_now(event)

    assert response.status_code == 201 and response.json()["notify"] is True
    amina = mail_to("amina@example.org")
    assert "The dinner moves to the rooftop" in amina.body


def test_the_move_and_delay_previews_say_how_many_people_are_told(client, programme, bearer):
    event, panel = programme["event"], programme["panel"]

    checked = client.post(
        f"/api/events/{event.slug}/sessions/{panel.pk}/move",
        {"start": at(event, 0, "14:00").isoformat(), "dry_run": True},
        content_type="application/json",
        headers=bearer(programme["by"]),
    )
    chair = UserFactory(username="li.wei", email="li.wei@example.cn")
    Person.objects.filter(name="Li Wei").update(user=chair)
    client.force_login(chair)
    page = client.get(f"/events/{event.slug}/chair/sessions/{panel.pk}/delay/?minutes=20")

    assert checked.status_code == 200 and checked.json()["told"] == 2  # Amina and the chair
    html = page.content.decode()
    assert "2 people follow these sessions" in html


class UnreachableBackend(RefusingBackend):
    def open(self):
        raise OSError("Name or service not known")


def test_an_unreachable_mail_server_leaves_them_queued_for_later(programme, settings):
    from django_tasks_db.models import DBTaskResult

    event, panel = programme["event"], programme["panel"]
    settings.EMAIL_BACKEND = "tests.registrations.test_notices.UnreachableBackend"
    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))

    notices_now(event)

    assert set(Notice.objects.values_list("status", "attempts")) == {("queued", 0)}
    later = DBTaskResult.objects.filter(
        task_path="registrations.notices.sending.notices_send", status="READY"
    )
    assert later.exists()


def test_times_in_the_participants_own_zone_too(client, programme):
    event, panel = programme["event"], programme["panel"]
    amina = Registration.objects.get(email="amina@example.org")
    page = f"/events/{event.slug}/registration/{links.magic_token(amina)}/"
    assert client.post(page + "time-zone/", {"time_zone": "Europe/Moscow"}).status_code == 302
    assert client.post(page + "time-zone/", {"time_zone": "Mars/Olympus"}).status_code == 302

    session_move(session=panel, by=programme["by"], start=at(event, 0, "14:00"))
    notices_now(event)

    amina.refresh_from_db()
    assert amina.time_zone == "Europe/Moscow"  # the bad one was refused, with a message
    assert "09:00–10:00 (UTC+03:00)" in mail_to("amina@example.org").body  # 14:00 in Shanghai
    assert "UTC+03:00" not in mail_to("li.wei@example.cn").body
