"""Organisers stand in for an absent chair: the console lists every session of the event to
them (now and next first, then day by day), and every step of it works on any session; check-in
staff stay out. The session page leads to the console."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import TeamMember
from events.timezones import TIME_ZONES
from sessions.models import RoleKind, SessionStatus, SessionUpdate, UpdateKind
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    UserFactory,
    at,
)
from tests.helpers import messages_of, page, publish
from tests.sessions.views.helpers import CHAIR, chair_url, edit_url, updates

pytestmark = pytest.mark.django_db

Status = SessionStatus


def card(html: str, session) -> str:
    """One session's card on the console."""
    pattern = rf'<li class="chair-card[^"]*" id="session-{session.pk}">.*?</li>'
    found = re.search(pattern, html, re.S)
    assert found, f"no card for session {session.pk}"
    return found.group(0)


def unfolded(html: str, session) -> bool:
    return '<details class="chair-card__controls" open>' in card(html, session)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def programme(event, hall, annex, chaired):
    """The chair's session (day 1, 10:00, Hall A), one chaired by someone else at the same time
    in the Annex, one with nobody chairing it later that day, one on day 2 and a draft."""
    others = SessionFactory(event=event, room=annex, title="Someone else's panel")
    SessionRoleFactory(session=others, role=RoleKind.CHAIR, person=PersonFactory(event=event))
    unchaired = SessionFactory(
        event=event, room=hall, title="Unchaired workshop", start=at(event, 0, "14:00")
    )
    tomorrow = SessionFactory(
        event=event, room=hall, title="Second-day keynote", start=at(event, 1, "09:00")
    )
    publish(event)
    # Added after publishing: publishing the programme publishes the drafts it holds.
    draft = SessionFactory(event=event, room=annex, title="Draft idea", status=Status.DRAFT)
    return {
        "chaired": chaired,
        "others": others,
        "unchaired": unchaired,
        "tomorrow": tomorrow,
        "draft": draft,
    }


@pytest.mark.parametrize("who", ["owner", "organiser", "superuser"])
def test_organisers_console_lists_every_session_of_the_event(client, request, programme, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(CHAIR)

    assert response.status_code == 200
    html = page(response)
    for name in ("chaired", "others", "unchaired", "tomorrow"):
        assert f'id="session-{programme[name].pk}"' in html, name
    assert f'id="session-{programme["draft"].pk}"' not in html  # a draft is not run
    assert "as an organiser you can run any of them" in html
    # Whoever chairs each one, and the way to its page.
    assert "(chair)" in card(html, programme["others"])
    assert "No chair yet" in card(html, programme["unchaired"])
    assert edit_url(programme["unchaired"]) in card(html, programme["unchaired"])


def test_organisers_console_shows_now_and_next_first_then_the_days(client, organiser, programme):
    client.force_login(organiser)

    html = page(client.get(CHAIR))

    # Before the event: the first session of each room on its first day is "next".
    now_and_next = html.index('id="now-and-next"')
    day_one = html.index(f'id="day-{programme["chaired"].event.start_date.isoformat()}"')
    day_two = html.index(f'id="day-{programme["tomorrow"].start.date().isoformat()}"')
    assert now_and_next < html.index(f'id="session-{programme["chaired"].pk}"') < day_one
    assert now_and_next < html.index(f'id="session-{programme["others"].pk}"') < day_one
    assert day_one < html.index(f'id="session-{programme["unchaired"].pk}"') < day_two
    assert day_two < html.index(f'id="session-{programme["tomorrow"].pk}"')
    # The first session at hand shows its controls; the rest link to the console opened at them.
    assert "is-focus" in card(html, programme["chaired"])
    assert unfolded(html, programme["chaired"])
    assert not unfolded(html, programme["others"])
    assert not unfolded(html, programme["unchaired"])
    assert "Mark live" not in card(html, programme["unchaired"])
    assert "Run this session" in card(html, programme["unchaired"])
    assert 'href="#now-and-next"' in html  # the day links of a long console


def midday_zone(now: dt.datetime) -> str:
    """A zone where it is about midday at `now`: a scenario from three hours before to three
    after falls on one local day there, whatever the hour in UTC when the test runs."""
    return next(z for z in sorted(TIME_ZONES) if 9 <= now.astimezone(ZoneInfo(z)).hour <= 15)


def test_organisers_console_now_and_next_are_the_live_sessions_and_the_next_per_room(client, db):
    now = timezone.now().replace(second=0, microsecond=0)
    zone = midday_zone(now)
    today = timezone.localdate(now, ZoneInfo(zone))
    event = EventFactory(
        slug="seminar", timezone=zone, start_date=today, end_date=today + dt.timedelta(days=1)
    )
    organiser = TeamMemberFactory(event=event, role=TeamMember.Role.ORGANISER).user
    hall, annex = RoomFactory(event=event, name="Hall"), RoomFactory(event=event, name="Annex")
    hour = dt.timedelta(hours=1)
    over = SessionFactory(event=event, room=hall, start=now - 3 * hour, end=now - 2 * hour)
    live = SessionFactory(event=event, room=hall, start=now - hour / 2, end=now + hour / 2)
    later = SessionFactory(event=event, room=hall, start=now + hour, end=now + 2 * hour)
    after = SessionFactory(event=event, room=hall, start=now + 2 * hour, end=now + 3 * hour)
    # Not marked live by its chair, though it started: still the one at hand in the annex.
    late = SessionFactory(event=event, room=annex, start=now - hour / 4, end=now + hour)
    publish(event)
    live.status = Status.LIVE
    live.save()
    client.force_login(organiser)

    html = page(client.get(CHAIR))

    section = html[html.index('id="now-and-next"') : html.index("</section>")]
    assert f'id="session-{live.pk}"' in section
    assert f'id="session-{late.pk}"' in section
    assert f'id="session-{later.pk}"' in section  # the hall's next
    assert f'id="session-{over.pk}"' not in section
    assert f'id="session-{after.pk}"' not in section
    assert "is-focus" in card(html, live)
    assert unfolded(html, live)
    assert not unfolded(html, later)


def test_console_opened_at_one_session_unfolds_it(client, organiser, programme):
    client.force_login(organiser)

    html = page(client.get(CHAIR, {"session": programme["unchaired"].pk}))

    assert unfolded(html, programme["unchaired"])
    assert not unfolded(html, programme["tomorrow"])
    # A folded card writes no forms (an organiser's console lists every session): it links to
    # the console opened at it.
    tomorrow = programme["tomorrow"]
    assert "<form" not in card(html, tomorrow)
    assert f'href="{CHAIR}?session={tomorrow.pk}#session-{tomorrow.pk}"' in card(html, tomorrow)


def test_chair_sees_only_their_sessions_all_unfolded(client, chair_user, programme):
    client.force_login(chair_user)

    html = page(client.get(CHAIR))

    assert f'id="session-{programme["chaired"].pk}"' in html
    assert f'id="session-{programme["unchaired"].pk}"' not in html
    assert "The sessions you chair" in html
    assert unfolded(html, programme["chaired"])


def test_organisers_console_without_sessions_points_to_the_builder(client, event, organiser):
    publish(event)
    client.force_login(organiser)

    response = client.get(CHAIR)

    assert response.status_code == 200
    assert "No session is on the programme yet" in page(response)
    assert "/events/seminar/manage/agenda/" in page(response)


# --- every step, on a session the organiser does not chair -------------------------------


@pytest.mark.parametrize("who", ["owner", "organiser", "superuser"])
def test_organiser_marks_any_session_live_then_ended(client, request, programme, who):
    user = request.getfixturevalue(who)
    session = programme["unchaired"]
    client.force_login(user)

    live = client.post(chair_url(session, "status"), {"status": "live"}, follow=True)
    session.refresh_from_db()
    assert session.status == Status.LIVE
    ended = client.post(chair_url(session, "status"), {"status": "ended"}, follow=True)

    session.refresh_from_db()
    assert session.status == Status.ENDED
    assert live.redirect_chain == [(f"{CHAIR}?session={session.pk}#session-{session.pk}", 302)]
    assert "“Unchaired workshop” is live." in messages_of(page(live))
    assert "“Unchaired workshop” has ended." in messages_of(page(ended))
    assert [u.actor for u in updates(session, UpdateKind.STATUS)] == [user, user]


def test_organiser_reports_a_delay_on_a_session_chaired_by_someone_else(
    client, organiser, programme
):
    session = programme["others"]
    client.force_login(organiser)

    response = client.post(chair_url(session, "delay"), {"minutes": "10"}, follow=True)

    session.refresh_from_db()
    assert session.delay_minutes == 10
    assert "runs 10 minutes late" in messages_of(page(response))
    assert updates(session, UpdateKind.DELAYED)[0].actor == organiser


def test_organiser_sees_the_delay_preview_of_any_session(client, organiser, programme):
    session = programme["chaired"]
    client.force_login(organiser)

    response = client.get(f"{chair_url(session, 'delay')}?minutes=300")

    assert response.status_code == 200
    html = page(response)
    assert "Unchaired workshop" in html  # pushed by five hours of delay
    assert f"{CHAIR}?session={session.pk}#session-{session.pk}" in html


def test_organiser_announces_on_any_session(client, organiser, programme):
    session = programme["unchaired"]
    client.force_login(organiser)

    response = client.post(
        chair_url(session, "announcement"), {"message": "Room change: Annex B."}, follow=True
    )

    logged = updates(session, UpdateKind.ANNOUNCEMENT)
    assert [(u.message, u.actor) for u in logged] == [("Room change: Annex B.", organiser)]
    assert "Announced to everyone following “Unchaired workshop”." in messages_of(page(response))


def test_organiser_notes_the_next_speaker_of_any_session(client, organiser, programme):
    session = programme["others"]
    speaker = SessionRoleFactory(session=session, person=PersonFactory(event=session.event))
    client.force_login(organiser)

    client.post(chair_url(session, "next-speaker"), {"person": speaker.person_id})

    session.refresh_from_db()
    assert session.next_speaker_id == speaker.person_id


# --- check-in staff are not organisers ---------------------------------------------------


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("status", {"status": "live"}),
        ("delay", {"minutes": "10"}),
        ("announcement", {"message": "Hello"}),
        ("next-speaker", {"person": ""}),
    ],
)
def test_checkin_staff_cannot_take_a_chairs_step(client, checkin_staff, programme, step, data):
    session = programme["unchaired"]
    client.force_login(checkin_staff)

    response = client.post(chair_url(session, step), data)

    assert response.status_code == 403
    session.refresh_from_db()
    assert (session.status, session.delay_minutes) == (Status.SCHEDULED, 0)
    assert not SessionUpdate.objects.filter(session=session, actor=checkin_staff).exists()


def test_checkin_staff_are_refused_the_console_and_the_delay_page(client, checkin_staff, programme):
    client.force_login(checkin_staff)

    assert client.get(CHAIR).status_code == 403
    assert client.get(chair_url(programme["unchaired"], "delay")).status_code == 403


# --- the way there -------------------------------------------------------------------------


def test_session_page_opens_the_session_in_the_chair_console(client, organiser, programme):
    session = programme["unchaired"]
    client.force_login(organiser)

    html = page(client.get(edit_url(session)))

    assert f'href="{CHAIR}?session={session.pk}#session-{session.pk}"' in html
    assert "Open in the chair console" in html


def test_draft_session_page_has_no_console_link(client, organiser, programme):
    client.force_login(organiser)

    html = page(client.get(edit_url(programme["draft"])))

    assert "Open in the chair console" not in html


def test_event_page_and_builder_link_organisers_to_the_console(client, organiser, programme):
    client.force_login(organiser)

    assert f'href="{CHAIR}"' in page(client.get("/events/seminar/"))
    assert f'href="{CHAIR}"' in page(client.get("/events/seminar/manage/agenda/"))


def test_organisers_console_reads_the_same_queries_for_more_sessions(
    client, event, hall, organiser, django_assert_max_num_queries
):
    def sessions(count: int) -> None:
        for index in range(count):
            session = SessionFactory(event=event, room=hall, start=at(event, index % 2, "09:00"))
            session.start += dt.timedelta(hours=index)
            session.end = session.start + dt.timedelta(minutes=30)
            session.save()
            SessionRoleFactory(session=session, role=RoleKind.CHAIR)
            SessionRoleFactory(session=session, role=RoleKind.SPEAKER)

    sessions(2)
    publish(event)
    client.force_login(organiser)
    client.get(CHAIR)  # the first request reads what every later one has cached
    with CaptureQueriesContext(connection) as few:
        client.get(CHAIR)
    sessions(6)
    publish(event)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(CHAIR)

    assert page(response).count('<li class="chair-card') == 8
