"""The programme's HTML pages: the public agenda, a session's page, bookmarks and the personal
agenda, the chair console (with the delay preview), and the organiser's agenda builder with its
session pages. What each page shows to whom, and what each form and button changes."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from events.models import Room, TeamMember
from events.timezones import local_today
from sessions.models import (
    Bookmark,
    ConflictOverride,
    Person,
    Programme,
    RoleKind,
    Session,
    SessionRole,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.services.chair import session_delay
from sessions.services.programme import programme_publish
from sessions.services.sessions import session_create
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
    at,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
Status = SessionStatus
PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"
AGENDA = "/events/seminar/agenda/"
MY_AGENDA = "/events/seminar/my-agenda/"
CHAIR = "/events/seminar/chair/"
BUILDER = "/events/seminar/manage/agenda/"
NEW_SESSION = "/events/seminar/manage/sessions/new/"


def publish(event) -> None:
    programme_publish(event=event, by=None)


def page(response) -> str:
    return response.content.decode()


def session_url(session) -> str:
    return f"/events/{session.event.slug}/sessions/{session.pk}/"


def edit_url(session) -> str:
    return f"/events/{session.event.slug}/manage/sessions/{session.pk}/"


def step_url(session, step: str) -> str:
    """Where the session page's `step` posts (publish, cancel, people, ...)."""
    return f"{edit_url(session)}{step}/"


def chair_url(session, step: str) -> str:
    """Where the chair console's `step` posts (status, delay, announcement, next-speaker)."""
    return f"/events/{session.event.slug}/chair/sessions/{session.pk}/{step}/"


def day_of(event, index: int) -> str:
    return (event.start_date + dt.timedelta(days=index)).isoformat()


def listed(html: str, session) -> bool:
    """Is the session an item of the page (by its link, not just its title)?"""
    return f'href="{session_url(session)}"' in html


def updates(session, kind: str) -> list[SessionUpdate]:
    return list(SessionUpdate.objects.filter(session=session, kind=kind).order_by("sequence"))


def login_next(response) -> str | None:
    """Where the sign-in page a redirect points to sends the user back to (None if the
    redirect is not to the sign-in page)."""
    location = urlsplit(response["Location"])
    if response.status_code != 302 or location.path != LOGIN:
        return None
    return parse_qs(location.query)["next"][0]


def messages_of(html: str) -> str:
    found = re.search(r'<ul class="messages".*?</ul>', html, re.S)
    return found.group(0) if found else ""


def form_data(**fields) -> dict:
    data = {
        "title": "Digital skills for teachers",
        "kind": "panel",
        "day": "",
        "start_time": "",
        "end_time": "",
        "room": "",
        "track": "",
        "attendance": "hybrid",
        "language": "",
        "abstract": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def hall(event):
    return RoomFactory(event=event, name="Hall A", order=1)


@pytest.fixture
def annex(event):
    return RoomFactory(event=event, name="Annex B", order=2)


@pytest.fixture
def policy(event):
    return TrackFactory(event=event, name="Policy track")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader")


@pytest.fixture
def chair_user(db):
    return UserFactory(username="chairwoman")


@pytest.fixture
def chair_person(event, chair_user):
    return PersonFactory(event=event, name="Amina Diallo", user=chair_user)


# --- the public agenda ----------------------------------------------------------------------


def test_agenda_is_404_for_the_public_before_publication(client, event, hall):
    SessionFactory(event=event, room=hall, title="Opening ceremony")

    response = client.get(AGENDA)

    assert response.status_code == 404
    html = page(response)
    assert "is not published yet" in html
    assert "Opening ceremony" not in html


def test_agenda_is_404_for_an_outsider_before_publication(client, event, outsider):
    client.force_login(outsider)

    assert client.get(AGENDA).status_code == 404


@pytest.mark.parametrize("member", ["organiser", "checkin_staff"])
def test_team_sees_the_unpublished_agenda_with_notice_and_drafts_marked(
    client, request, event, hall, member
):
    draft = SessionFactory(event=event, room=hall, title="Draft roundtable", status=Status.DRAFT)
    client.force_login(request.getfixturevalue(member))

    response = client.get(AGENDA)

    assert response.status_code == 200
    html = page(response)
    assert "Not published." in html
    assert listed(html, draft)
    assert 'class="badge badge--draft">Draft</span>' in html


def test_published_agenda_has_no_unpublished_notice(client, event, hall):
    SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(AGENDA))

    assert "Not published." not in html


def test_agenda_shows_the_chosen_day_only(client, event, hall):
    first = SessionFactory(event=event, room=hall, title="First day talk")
    second = SessionFactory(
        event=event, room=hall, title="Second day talk", start=at(event, 1, "10:00")
    )
    publish(event)

    day_two = page(client.get(AGENDA, {"day": day_of(event, 1)}))

    assert listed(day_two, second)
    assert not listed(day_two, first)
    assert f'href="?day={day_of(event, 1)}" aria-current="date"' in day_two
    assert "(1 session)" in day_two


def test_agenda_defaults_to_the_first_day_before_the_event(client, event, hall):
    first = SessionFactory(event=event, room=hall)
    second = SessionFactory(event=event, room=hall, start=at(event, 1, "10:00"))
    publish(event)

    html = page(client.get(AGENDA))

    assert listed(html, first)
    assert not listed(html, second)
    assert f'href="?day={day_of(event, 0)}" aria-current="date"' in html


def test_agenda_defaults_to_today_in_the_event_zone_during_the_event(client, db):
    today = local_today("Asia/Shanghai")
    ongoing = EventFactory(
        slug="ongoing",
        timezone="Asia/Shanghai",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    room = RoomFactory(event=ongoing)
    yesterday = SessionFactory(event=ongoing, room=room, title="Yesterday talk")
    todays = SessionFactory(
        event=ongoing, room=room, title="Today talk", start=at(ongoing, 1, "10:00")
    )
    tomorrow = SessionFactory(
        event=ongoing, room=room, title="Tomorrow talk", start=at(ongoing, 2, "10:00")
    )
    publish(ongoing)

    html = page(client.get("/events/ongoing/agenda/"))

    assert listed(html, todays)
    assert not listed(html, yesterday)
    assert not listed(html, tomorrow)
    assert f'href="?day={today.isoformat()}" aria-current="date"' in html


def test_agenda_days_are_the_events_own_days(client, event, hall, annex):
    # 01:00 on the second day in Shanghai is still the first day in UTC.
    early = SessionFactory(event=event, room=hall, title="Early bird", start=at(event, 1, "01:00"))
    late = SessionFactory(event=event, room=annex, title="Night owl", start=at(event, 0, "23:00"))
    assert early.start.astimezone(UTC).date() == event.start_date
    publish(event)

    first = page(client.get(AGENDA, {"day": day_of(event, 0)}))
    second = page(client.get(AGENDA, {"day": day_of(event, 1)}))

    assert listed(first, late) and not listed(first, early)
    assert listed(second, early) and not listed(second, late)


def test_agenda_all_days_lists_every_session_with_its_date(client, event, hall):
    first = SessionFactory(event=event, room=hall)
    second = SessionFactory(event=event, room=hall, start=at(event, 1, "14:00"))
    publish(event)

    html = page(client.get(AGENDA, {"day": "all"}))

    assert listed(html, first)
    assert listed(html, second)
    assert 'href="?day=all" aria-current="true">All days</a>' in html
    assert "(2 sessions)" in html
    # The list of all days says which day each session is on.
    second_day = event.start_date + dt.timedelta(days=1)
    assert f"{second_day:%a} {second_day.day} {second_day:%b}, 14:00" in html


def test_agenda_filters_by_track_kind_and_room(client, event, hall, annex, policy):
    in_track = SessionFactory(event=event, room=hall, track=policy, kind="keynote")
    other = SessionFactory(event=event, room=annex, kind="workshop")
    publish(event)

    by_track = page(client.get(AGENDA, {"track": policy.pk}))
    by_kind = page(client.get(AGENDA, {"kind": "workshop"}))
    by_room = page(client.get(AGENDA, {"room": hall.pk}))

    assert listed(by_track, in_track) and not listed(by_track, other)
    # The day tabs keep the filters, and the filter form keeps the day.
    assert f"?day={day_of(event, 1)}&amp;track={policy.pk}" in by_track
    assert f'<input type="hidden" name="day" value="{day_of(event, 0)}">' in by_track
    assert f'<option value="{policy.pk}" selected>' in by_track
    assert listed(by_kind, other) and not listed(by_kind, in_track)
    assert listed(by_room, in_track) and not listed(by_room, other)
    assert "Clear filters" in by_track


def test_agenda_drops_an_invalid_filter_and_keeps_the_valid_ones(client, event, hall, annex):
    keynote = SessionFactory(event=event, room=hall, kind="keynote")
    workshop = SessionFactory(event=event, room=annex, kind="workshop")
    publish(event)

    html = page(client.get(AGENDA, {"track": "abc", "kind": "keynote"}))

    assert listed(html, keynote) and not listed(html, workshop)


def test_agenda_attendance_filter_keeps_hybrid_sessions_for_both(client, event, hall, annex):
    virtual = RoomFactory(event=event, name="Zoom", kind=Room.Kind.VIRTUAL, capacity=None)
    hybrid = SessionFactory(event=event, room=hall, attendance="hybrid")
    in_person = SessionFactory(event=event, room=annex, attendance="in_person")
    online = SessionFactory(event=event, room=virtual, attendance="online")
    publish(event)

    on_site = page(client.get(AGENDA, {"attendance": "in_person"}))
    remote = page(client.get(AGENDA, {"attendance": "online"}))

    assert listed(on_site, hybrid) and listed(on_site, in_person)
    assert not listed(on_site, online)
    assert listed(remote, hybrid) and listed(remote, online)
    assert not listed(remote, in_person)


@pytest.mark.parametrize("words", ["higher education", "Ngozi", "uet lahore", "UET"])
def test_agenda_search_matches_title_person_and_organisation(client, event, hall, annex, words):
    lahore = OrganizationFactory(name="UET Lahore", acronym="UET", country="PK")
    found = SessionFactory(event=event, room=hall, title="Future of Higher Education")
    SessionRoleFactory(
        session=found,
        person=PersonFactory(event=event, name="Ngozi Okafor", organization=lahore),
    )
    missed = SessionFactory(event=event, room=annex, title="Coffee break", kind="break")
    publish(event)

    html = page(client.get(AGENDA, {"q": words}))

    assert listed(html, found)
    assert not listed(html, missed)


def test_agenda_day_without_sessions_says_so(client, event, hall):
    SessionFactory(event=event, room=hall)
    publish(event)

    response = client.get(AGENDA, {"day": day_of(event, 1)})

    assert response.status_code == 200
    assert "No sessions on this day." in page(response)
    assert "UTC+08:00" in page(response)


def test_agenda_search_without_match_says_so(client, event, hall):
    SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(AGENDA, {"q": "nothing like this"}))

    assert "No session matches these filters on this day." in html


def test_cancelled_session_stays_on_the_agenda_marked(client, event, hall):
    cancelled = SessionFactory(event=event, room=hall, status=Status.CANCELLED)
    publish(event)

    html = page(client.get(AGENDA))

    assert listed(html, cancelled)
    assert "is-cancelled" in html
    assert '<span class="badge badge--cancelled">Cancelled</span>' in html


def test_drafts_are_never_on_the_public_agenda(client, event, hall, annex, reader):
    shown = SessionFactory(event=event, room=hall, title="Secret garden tour")
    publish(event)
    draft = SessionFactory(event=event, room=annex, title="Secret draft", status=Status.DRAFT)
    client.force_login(reader)

    for query in ({}, {"day": "all"}, {"q": "Secret"}, {"kind": "panel"}):
        html = page(client.get(AGENDA, query))
        assert not listed(html, draft), query
        assert "Secret draft" not in html, query
    assert listed(page(client.get(AGENDA, {"q": "Secret"})), shown)


def test_agenda_times_are_in_the_event_zone_with_its_offset(client, event, hall):
    session = SessionFactory(event=event, room=hall, start=at(event, 0, "09:30"))
    publish(event)

    html = page(client.get(AGENDA))

    stamp = re.search(r'<time datetime="([^"]+)" data-moment="time">09:30</time>', html)
    assert dt.datetime.fromisoformat(stamp.group(1)) == at(event, 0, "09:30")
    assert 'data-moment="time">10:30</time>' in html
    # 09:30 in Shanghai is 01:30 UTC: the UTC time is never what the page says.
    assert ">01:30</time>" not in html
    assert "UTC+08:00" in html
    assert "Asia/Shanghai" in html
    assert listed(html, session)


def test_each_agenda_item_links_to_its_session_page(client, event, hall, annex):
    sessions = [SessionFactory(event=event, room=hall), SessionFactory(event=event, room=annex)]
    publish(event)

    html = page(client.get(AGENDA))

    for session in sessions:
        assert f'<a href="{session_url(session)}">{session.title}</a>' in html


@pytest.mark.parametrize(
    "query",
    [
        {"track": "abc"},
        {"room": "999999"},
        {"kind": "rave"},
        {"attendance": "telepathy"},
        {"day": "2020-13-45"},
        {"day": "1999-01-01"},
        {"q": "x" * 500},
        {"track": "-1", "room": "1e9", "kind": "", "q": "<script>"},
    ],
)
def test_agenda_invalid_filters_do_not_fail(client, event, hall, query):
    session = SessionFactory(event=event, room=hall)
    publish(event)

    response = client.get(AGENDA, query)

    assert response.status_code == 200
    html = page(response)
    assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]
    if "day" in query:
        assert listed(html, session)


def test_agenda_for_unknown_event_is_404(client, db):
    assert client.get("/events/no-such-event/agenda/").status_code == 404


# --- a session's page -----------------------------------------------------------------------


def test_session_page_lists_people_by_group_with_position_organisation_country(client, event, hall):
    lahore = OrganizationFactory(name="UET Lahore", country="PK")
    session = SessionFactory(event=event, room=hall, title="Future of Higher Education")
    people = {
        role: PersonFactory(
            event=event,
            name=f"The {role}",
            position=f"{role.title()} position",
            organization=lahore if role != RoleKind.RAPPORTEUR else None,
            country="PK" if role != RoleKind.MODERATOR else "KE",
            email=f"{role}@private.example",
        )
        for role in (
            RoleKind.CHAIR,
            RoleKind.MODERATOR,
            RoleKind.SPEAKER,
            RoleKind.PANELLIST,
            RoleKind.RAPPORTEUR,
        )
    }
    for order, (role, person) in enumerate(people.items()):
        SessionRoleFactory(session=session, person=person, role=role, order=order)
    publish(event)

    response = client.get(session_url(session))

    assert response.status_code == 200
    html = page(response)
    chairs = html.index("Chairs and moderators")
    speakers = html.index("Speakers and panellists")
    rapporteurs = html.index("Rapporteurs")
    assert chairs < html.index("The chair") < html.index("The moderator") < speakers
    assert speakers < html.index("The speaker") < html.index("The panellist") < rapporteurs
    assert rapporteurs < html.index("The rapporteur")
    assert '<strong>The panellist</strong> <span class="muted">(Panellist)</span>' in html
    assert "Speaker position" in html
    assert 'UET Lahore, <span class="country">Pakistan</span>' in html
    assert "Kenya" in html
    assert "private.example" not in html
    assert "@" not in html.split("<main", 1)[1].split("</main>")[0]


def test_session_page_shows_the_delay_and_strikes_the_planned_time(client, event, hall):
    session = SessionFactory(event=event, room=hall, delay_minutes=10)
    publish(event)

    html = page(client.get(session_url(session)))

    assert "Running 10 minutes late" in html
    planned = re.search(r"<s>(.*?)</s>", html, re.S).group(1)
    assert ">10:00</time>" in planned and ">11:00</time>" in planned
    when = re.search(r'<span class="when">(.*?)</span>', html, re.S).group(1)
    assert "10:10</time>" in when and ">11:10</time>" in when


def test_session_page_says_one_minute_in_the_singular(client, event, hall):
    session = SessionFactory(event=event, room=hall, delay_minutes=1)
    publish(event)

    html = page(client.get(session_url(session)))

    assert "Running 1 minute late" in html


def test_session_page_without_delay_has_no_planned_time(client, event, hall):
    session = SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(session_url(session)))

    assert "late" not in html.split("<main", 1)[1]
    assert "<s>" not in html
    assert "UTC+08:00" in html


def test_draft_session_page_is_404_for_the_public(client, event, hall, reader):
    publish(event)
    draft = SessionFactory(event=event, room=hall, title="Secret draft", status=Status.DRAFT)

    anonymous = client.get(session_url(draft))
    client.force_login(reader)
    signed_in = client.get(session_url(draft))

    assert anonymous.status_code == 404
    assert signed_in.status_code == 404
    assert "Secret draft" not in page(anonymous)


def test_unplaced_draft_session_page_says_time_to_be_announced(client, event, organiser):
    draft = SessionFactory(event=event, room=None, start=None, end=None, status=Status.DRAFT)
    client.force_login(organiser)

    response = client.get(session_url(draft))

    assert response.status_code == 200
    assert "Time to be announced" in page(response)
    assert "Room to be announced" in page(response)


def test_draft_session_page_is_shown_to_the_team(client, event, hall, organiser):
    publish(event)
    draft = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    client.force_login(organiser)

    response = client.get(session_url(draft))

    assert response.status_code == 200
    assert '<span class="badge badge--draft">Draft</span>' in page(response)


def test_session_of_another_event_is_404(client, event, hall):
    publish(event)
    other = EventFactory(slug="other-forum")
    foreign = SessionFactory(event=other, title="Foreign session")
    publish(other)

    response = client.get(f"/events/seminar/sessions/{foreign.pk}/")

    assert response.status_code == 404
    assert "Foreign session" not in page(response)
    assert client.get(session_url(foreign)).status_code == 200


def test_session_page_of_cancelled_session_says_so(client, event, hall):
    session = SessionFactory(event=event, room=hall, status=Status.CANCELLED)
    publish(event)

    html = page(client.get(session_url(session)))

    assert "This session is cancelled." in html


# --- bookmarks and my agenda ----------------------------------------------------------------


def test_bookmark_asks_anonymous_users_to_sign_in(client, event, hall):
    session = SessionFactory(event=event, room=hall)
    publish(event)

    response = client.post(session_url(session) + "bookmark/")

    assert response.status_code == 302
    assert login_next(response) == session_url(session)
    assert not Bookmark.objects.exists()


def test_bookmark_is_post_only(client, event, hall, reader):
    session = SessionFactory(event=event, room=hall)
    publish(event)
    client.force_login(reader)

    assert client.get(session_url(session) + "bookmark/").status_code == 405
    assert not Bookmark.objects.exists()


def test_bookmark_adds_and_removes_idempotently(client, event, hall, reader):
    session = SessionFactory(event=event, room=hall, title="Keynote on AI")
    publish(event)
    client.force_login(reader)
    url = session_url(session) + "bookmark/"

    added = client.post(url, follow=True)
    client.post(url)

    assert Bookmark.objects.filter(user=reader, session=session).count() == 1
    assert added.redirect_chain == [(session_url(session), 302)]
    assert "“Keynote on AI” is on your agenda." in page(added)
    assert "This session is on your agenda." in page(added)

    removed = client.post(url, {"action": "remove"}, follow=True)
    client.post(url, {"action": "remove"})

    assert not Bookmark.objects.filter(user=reader, session=session).exists()
    assert "“Keynote on AI” is off your agenda." in page(removed)
    assert "Add to my agenda" in page(removed)


def test_bookmark_follows_next_on_the_same_host(client, event, hall, reader):
    session = SessionFactory(event=event, room=hall)
    publish(event)
    client.force_login(reader)
    target = f"{AGENDA}?day={day_of(event, 0)}"

    response = client.post(session_url(session) + "bookmark/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://evil.example",
        "javascript:alert(1)",
        "https:///evil.example",
    ],
)
def test_bookmark_refuses_an_open_redirect(client, event, hall, reader, target):
    session = SessionFactory(event=event, room=hall)
    publish(event)
    client.force_login(reader)

    response = client.post(session_url(session) + "bookmark/", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == session_url(session)
    assert Bookmark.objects.filter(user=reader, session=session).exists()


def test_bookmark_of_a_draft_is_404(client, event, hall, reader):
    publish(event)
    draft = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    client.force_login(reader)

    response = client.post(session_url(draft) + "bookmark/")

    assert response.status_code == 404
    assert not Bookmark.objects.exists()


def test_my_agenda_needs_sign_in(client, event):
    publish(event)

    response = client.get(MY_AGENDA)

    assert login_next(response) == MY_AGENDA


def test_my_agenda_lists_bookmarks_by_day_and_flags_overlaps(client, event, hall, annex, reader):
    morning = SessionFactory(event=event, room=hall, title="Morning keynote")
    clash = SessionFactory(
        event=event, room=annex, title="Parallel workshop", start=at(event, 0, "10:30")
    )
    later = SessionFactory(
        event=event, room=hall, title="Day two panel", start=at(event, 1, "09:00")
    )
    not_mine = SessionFactory(
        event=event, room=hall, title="Not bookmarked", start=at(event, 0, "14:00")
    )
    publish(event)
    for session in (later, clash, morning):
        Bookmark.objects.create(user=reader, session=session)
    client.force_login(reader)

    response = client.get(MY_AGENDA)

    assert response.status_code == 200
    html = page(response)
    first_day = event.start_date
    second_day = first_day + dt.timedelta(days=1)
    first_heading = html.index(f"<h2>{first_day:%A} {first_day.day} {first_day:%B %Y}</h2>")
    second_heading = html.index(f"<h2>{second_day:%A} {second_day.day} {second_day:%B %Y}</h2>")
    assert first_heading < html.index("Morning keynote") < html.index("Parallel workshop")
    assert html.index("Parallel workshop") < second_heading < html.index("Day two panel")
    assert not listed(html, not_mine)
    assert html.count("Overlaps another of your sessions") == 2
    assert "2 sessions on your agenda overlap others" in html
    later_item = html[second_heading:]
    assert "Overlaps another of your sessions" not in later_item


def test_my_agenda_does_not_flag_a_cancelled_session_as_overlapping(
    client, event, hall, annex, reader
):
    kept = SessionFactory(event=event, room=hall)
    dropped = SessionFactory(event=event, room=annex, status=Status.CANCELLED)
    publish(event)
    Bookmark.objects.create(user=reader, session=kept)
    Bookmark.objects.create(user=reader, session=dropped)
    client.force_login(reader)

    html = page(client.get(MY_AGENDA))

    assert listed(html, dropped)
    assert "Overlaps another of your sessions" not in html


def test_my_agenda_drops_a_session_that_became_a_draft_again(client, event, hall, reader):
    session = SessionFactory(event=event, room=hall, title="Withdrawn talk")
    publish(event)
    Bookmark.objects.create(user=reader, session=session)
    Session.objects.filter(pk=session.pk).update(status=Status.DRAFT)
    client.force_login(reader)

    html = page(client.get(MY_AGENDA))

    assert "Withdrawn talk" not in html
    assert "Your agenda is empty." in html


def test_my_agenda_is_kept_on_the_server_across_sign_ins(client, event, hall, reader):
    session = SessionFactory(event=event, room=hall, title="Closing plenary", kind="closing")
    publish(event)
    client.post(LOGIN, {"username": "reader", "password": PASSWORD, "next": session_url(session)})
    client.post(session_url(session) + "bookmark/")

    phone = Client()
    signed_in = phone.post(LOGIN, {"username": "reader", "password": PASSWORD, "next": "/"})
    html = page(phone.get(MY_AGENDA))

    assert signed_in.status_code == 302
    assert listed(html, session)
    assert "Closing plenary" in html
    assert "Remove “Closing plenary” from my agenda" in html


def test_my_agenda_remove_button_takes_it_off(client, event, hall, reader):
    session = SessionFactory(event=event, room=hall)
    publish(event)
    Bookmark.objects.create(user=reader, session=session)
    client.force_login(reader)

    response = client.post(
        session_url(session) + "bookmark/",
        {"action": "remove", "next": MY_AGENDA},
        follow=True,
    )

    assert response.redirect_chain == [(MY_AGENDA, 302)]
    assert "Your agenda is empty." in page(response)


# --- the chair console ----------------------------------------------------------------------


@pytest.fixture
def chaired(event, hall, chair_person):
    session = SessionFactory(event=event, room=hall, title="Opening plenary")
    SessionRoleFactory(session=session, person=chair_person, role=RoleKind.CHAIR)
    return session


@pytest.fixture
def speaker(chaired):
    return SessionRoleFactory(
        session=chaired, person=PersonFactory(event=chaired.event, name="Li Wei")
    ).person


@pytest.fixture
def console(client, event, chaired, chair_user):
    publish(event)
    client.force_login(chair_user)
    return client


def test_chair_console_asks_anonymous_users_to_sign_in(client, event, chaired):
    publish(event)

    response = client.get(CHAIR)

    assert login_next(response) == CHAIR


def test_chair_action_asks_anonymous_users_to_sign_in(client, event, chaired):
    publish(event)

    response = client.post(chair_url(chaired, "status"), {"status": "live"})

    assert login_next(response) == CHAIR
    chaired.refresh_from_db()
    assert chaired.status == Status.SCHEDULED


def test_chair_console_lists_only_the_chairs_own_sessions(
    client, event, hall, annex, chaired, chair_person, chair_user
):
    moderated = SessionFactory(
        event=event, room=annex, title="Policy roundtable", start=at(event, 1, "10:00")
    )
    SessionRoleFactory(session=moderated, person=chair_person, role=RoleKind.MODERATOR)
    spoken = SessionFactory(
        event=event, room=hall, title="Only speaking here", start=at(event, 0, "14:00")
    )
    SessionRoleFactory(session=spoken, person=chair_person, role=RoleKind.SPEAKER)
    someone_elses = SessionFactory(
        event=event, room=annex, title="Somebody else chairs", start=at(event, 0, "16:00")
    )
    SessionRoleFactory(session=someone_elses, role=RoleKind.CHAIR)
    publish(event)
    client.force_login(chair_user)

    response = client.get(CHAIR)

    assert response.status_code == 200
    html = page(response)
    assert f'id="session-{chaired.pk}"' in html
    assert f'id="session-{moderated.pk}"' in html
    assert html.index("Opening plenary") < html.index("Policy roundtable")
    assert "Only speaking here" not in html
    assert "Somebody else chairs" not in html
    assert "Mark live" in html


@pytest.mark.parametrize("role", [RoleKind.FACILITATOR, RoleKind.HOST])
def test_facilitators_and_hosts_use_the_console(client, event, hall, role):
    user = UserFactory(username="runner")
    session = SessionFactory(event=event, room=hall, title="Hands-on lab")
    SessionRoleFactory(session=session, person=PersonFactory(event=event, user=user), role=role)
    publish(event)
    client.force_login(user)

    response = client.get(CHAIR)

    assert response.status_code == 200
    assert "Hands-on lab" in page(response)


def test_chair_marks_the_session_live_then_ended(console, event, chaired):
    live = console.post(chair_url(chaired, "status"), {"status": "live"}, follow=True)

    chaired.refresh_from_db()
    assert chaired.status == Status.LIVE
    assert live.redirect_chain == [(f"{CHAIR}#session-{chaired.pk}", 302)]
    assert "“Opening plenary” is live." in messages_of(page(live))
    assert [u.changes["status"] for u in updates(chaired, UpdateKind.STATUS)] == [
        {"before": "scheduled", "after": "live"}
    ]

    ended = console.post(chair_url(chaired, "status"), {"status": "ended"}, follow=True)

    chaired.refresh_from_db()
    assert chaired.status == Status.ENDED
    assert "“Opening plenary” has ended." in messages_of(page(ended))
    assert updates(chaired, UpdateKind.STATUS)[-1].changes["status"]["after"] == "ended"
    assert updates(chaired, UpdateKind.STATUS)[-1].actor == chaired.roles.get().person.user


def test_chair_reports_a_delay_in_total_minutes(console, event, chaired):
    first = console.post(chair_url(chaired, "delay"), {"minutes": "10"})
    second = console.post(chair_url(chaired, "delay"), {"minutes": "15"}, follow=True)

    chaired.refresh_from_db()
    assert first.status_code == 302
    assert chaired.delay_minutes == 15
    logged = updates(chaired, UpdateKind.DELAYED)
    assert [u.changes["delay_minutes"] for u in logged] == [
        {"before": 0, "after": 10},
        {"before": 10, "after": 15},
    ]
    assert "“Opening plenary” runs 15 minutes late." in messages_of(page(second))
    assert "15 min late" in page(second)


def test_chair_puts_the_session_back_on_time(console, event, chaired):
    console.post(chair_url(chaired, "delay"), {"minutes": "10"})

    response = console.post(chair_url(chaired, "delay"), {"minutes": "0"}, follow=True)

    chaired.refresh_from_db()
    assert chaired.delay_minutes == 0
    assert "“Opening plenary” is back on time." in messages_of(page(response))


@pytest.mark.parametrize("minutes", ["-5", "abc", "", "100000"])
def test_chair_delay_refuses_nonsense_minutes(console, event, chaired, minutes):
    response = console.post(chair_url(chaired, "delay"), {"minutes": minutes}, follow=True)

    chaired.refresh_from_db()
    assert chaired.delay_minutes == 0
    assert "message--error" in page(response)
    assert not updates(chaired, UpdateKind.DELAYED)


def test_chair_delay_without_overlap_stays_on_the_console(console, event, hall, chaired):
    # 30 minutes of gap absorb a 15-minute delay.
    SessionFactory(event=event, room=hall, title="After the gap", start=at(event, 0, "11:30"))

    response = console.post(chair_url(chaired, "delay"), {"minutes": "15"})

    assert response["Location"] == f"{CHAIR}#session-{chaired.pk}"


def test_chair_delay_that_overlaps_later_sessions_offers_to_push_them(
    console, event, hall, annex, chaired
):
    next_one = SessionFactory(
        event=event, room=hall, title="Next in hall", start=at(event, 0, "11:00")
    )
    after_gap = SessionFactory(
        event=event, room=hall, title="After the gap", start=at(event, 0, "12:30")
    )
    elsewhere = SessionFactory(
        event=event, room=annex, title="Other room", start=at(event, 0, "11:00")
    )
    delay_page = f"/events/seminar/chair/sessions/{chaired.pk}/delay/?minutes=15"

    response = console.post(chair_url(chaired, "delay"), {"minutes": "15"})

    assert response.status_code == 302
    assert response["Location"] == delay_page
    chaired.refresh_from_db()
    next_one.refresh_from_db()
    assert chaired.delay_minutes == 15
    assert next_one.delay_minutes == 0

    preview = console.get(delay_page)

    assert preview.status_code == 200
    html = page(preview)
    assert "“Opening plenary” runs 15 minutes late." in html
    assert '<th scope="row">Next in hall</th>' in html
    assert "After the gap" not in html
    assert "Other room" not in html
    assert "+15 min" in html
    assert 'data-moment="time">11:15</time>–<time' in html
    assert "Push back 1 session" in html

    confirmed = console.post(
        chair_url(chaired, "delay"), {"minutes": "15", "shift_following": "1"}, follow=True
    )

    for session in (chaired, next_one, after_gap, elsewhere):
        session.refresh_from_db()
    assert (chaired.delay_minutes, next_one.delay_minutes) == (15, 15)
    assert (after_gap.delay_minutes, elsewhere.delay_minutes) == (0, 0)
    pushed = updates(next_one, UpdateKind.DELAYED)
    assert len(pushed) == 1
    assert pushed[0].message == "Pushed back by the delay of “Opening plenary”."
    assert len(updates(chaired, UpdateKind.DELAYED)) == 1
    assert confirmed.redirect_chain[-1] == (f"{CHAIR}#session-{chaired.pk}", 302)
    assert "message--success" in page(confirmed)


def test_confirming_the_push_says_how_many_later_sessions_moved(console, event, hall, chaired):
    next_one = SessionFactory(event=event, room=hall, start=at(event, 0, "11:00"))
    console.post(chair_url(chaired, "delay"), {"minutes": "15"})

    confirmed = console.post(
        chair_url(chaired, "delay"), {"minutes": "15", "shift_following": "1"}, follow=True
    )

    next_one.refresh_from_db()
    assert next_one.delay_minutes == 15
    # The session itself already ran 15 minutes late; only the later one moved now.
    assert "1 later session(s) in the room were pushed back." in messages_of(page(confirmed))


def test_chair_delay_with_shift_following_at_once_pushes_and_says_so(console, event, hall, chaired):
    next_one = SessionFactory(event=event, room=hall, start=at(event, 0, "11:00"))

    response = console.post(
        chair_url(chaired, "delay"), {"minutes": "10", "shift_following": "1"}, follow=True
    )

    next_one.refresh_from_db()
    assert next_one.delay_minutes == 10
    assert response.redirect_chain == [(f"{CHAIR}#session-{chaired.pk}", 302)]
    assert "1 later session(s) in the room were pushed back." in messages_of(page(response))


def test_chair_delay_page_is_refused_for_a_session_not_chaired(console, event, annex):
    other = SessionFactory(event=event, room=annex, title="Not yours")
    SessionRoleFactory(session=other, role=RoleKind.CHAIR)

    response = console.get(f"/events/seminar/chair/sessions/{other.pk}/delay/?minutes=10")

    assert response.status_code == 403


def test_chair_posts_an_announcement(console, event, chaired):
    response = console.post(
        chair_url(chaired, "announcement"), {"message": "  Please take your seats.  "}, follow=True
    )

    logged = updates(chaired, UpdateKind.ANNOUNCEMENT)
    assert [u.message for u in logged] == ["Please take your seats."]
    assert "Announced to everyone following “Opening plenary”." in messages_of(page(response))


@pytest.mark.parametrize("message", ["", "x" * 501])
def test_chair_announcement_must_be_1_to_500_characters(console, event, chaired, message):
    response = console.post(chair_url(chaired, "announcement"), {"message": message}, follow=True)

    assert not updates(chaired, UpdateKind.ANNOUNCEMENT)
    assert "Write the announcement in 1 to 500 characters." in messages_of(page(response))


def test_chair_notes_and_clears_the_next_speaker(console, event, chaired, speaker):
    noted = console.post(chair_url(chaired, "next-speaker"), {"person": speaker.pk}, follow=True)

    chaired.refresh_from_db()
    assert chaired.next_speaker == speaker
    assert "Next speaker: Li Wei." in messages_of(page(noted))
    assert f'<option value="{speaker.pk}" selected>' in page(noted)
    assert updates(chaired, UpdateKind.NEXT_SPEAKER)[0].changes["next_speaker"] == {
        "before": None,
        "after": {"id": speaker.pk, "name": "Li Wei"},
    }
    assert "Speaking next" in page(console.get(session_url(chaired)))

    cleared = console.post(chair_url(chaired, "next-speaker"), {"person": ""}, follow=True)

    chaired.refresh_from_db()
    assert chaired.next_speaker is None
    assert "Next speaker cleared." in messages_of(page(cleared))
    assert len(updates(chaired, UpdateKind.NEXT_SPEAKER)) == 2


def test_chair_cannot_name_someone_outside_the_session_next(console, event, chaired):
    stranger = PersonFactory(event=event, name="Not In Session")

    response = console.post(
        chair_url(chaired, "next-speaker"), {"person": stranger.pk}, follow=True
    )

    chaired.refresh_from_db()
    assert chaired.next_speaker is None
    assert "has no role in this session" in messages_of(page(response))


def test_chair_unknown_status_is_an_error_message(console, event, chaired):
    response = console.post(chair_url(chaired, "status"), {"status": "explode"}, follow=True)

    assert "Mark the session live or ended." in messages_of(page(response))
    assert "message--error" in page(response)
    chaired.refresh_from_db()
    assert chaired.status == Status.SCHEDULED


@pytest.mark.parametrize("step", ["status", "announcement", "next-speaker"])
def test_chair_steps_are_post_only(console, event, chaired, step):
    assert console.get(chair_url(chaired, step)).status_code == 405


@pytest.mark.parametrize("who", ["organiser", "outsider", "speaker_only"])
def test_chair_console_is_403_without_chaired_sessions(client, request, event, chaired, who):
    if who == "speaker_only":
        user = UserFactory(username="speaker-only")
        SessionRoleFactory(
            session=chaired, person=PersonFactory(event=event, user=user), role="speaker"
        )
    else:
        user = request.getfixturevalue(who)
    publish(event)
    client.force_login(user)

    response = client.get(CHAIR)

    assert response.status_code == 403
    assert "The chair console is for the people who chair" in page(response)


def test_chair_console_is_403_when_the_only_chaired_session_is_a_draft(
    client, event, chair_user, chair_person, hall
):
    publish(event)
    draft = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    SessionRoleFactory(session=draft, person=chair_person, role=RoleKind.CHAIR)
    client.force_login(chair_user)

    assert client.get(CHAIR).status_code == 403


def test_chair_cannot_act_on_a_session_they_do_not_chair(console, event, annex, chaired):
    other = SessionFactory(event=event, room=annex, title="Not yours")
    SessionRoleFactory(session=other, role=RoleKind.CHAIR)
    before = SessionUpdate.objects.count()

    responses = [
        console.post(chair_url(other, step), data)
        for step, data in (
            ("status", {"status": "live"}),
            ("delay", {"minutes": "10"}),
            ("announcement", {"message": "Hijack"}),
        )
    ]

    other.refresh_from_db()
    assert other.status == Status.SCHEDULED
    assert other.delay_minutes == 0
    assert SessionUpdate.objects.count() == before
    for response in responses:
        assert response.status_code == 403
        assert "You do not chair “Not yours”" in page(response)


def test_outsider_cannot_act_on_a_session(client, event, chaired, outsider):
    publish(event)
    client.force_login(outsider)

    client.post(chair_url(chaired, "status"), {"status": "live"})

    chaired.refresh_from_db()
    assert chaired.status == Status.SCHEDULED


# --- the agenda builder ---------------------------------------------------------------------


def test_builder_asks_anonymous_users_to_sign_in(client, event):
    response = client.get(BUILDER)

    assert response.status_code == 302
    assert login_next(response) == BUILDER


@pytest.mark.parametrize("who", ["checkin_staff", "outsider"])
def test_builder_is_403_without_the_agenda_role(client, request, event, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(BUILDER).status_code == 403
    assert client.post(BUILDER + "publish/").status_code == 403
    assert client.get(NEW_SESSION).status_code == 403
    assert not Programme.objects.filter(event=event, published_at__isnull=False).exists()


def test_builder_shows_rooms_conflicts_and_sessions_without_time(
    client, event, hall, annex, organiser
):
    empty = RoomFactory(event=event, name="Empty studio", order=3)
    person = PersonFactory(event=event, name="Busy Person")
    first = SessionFactory(event=event, room=hall, title="Morning panel")
    SessionRoleFactory(session=first, person=person)
    session_create(
        event=event,
        by=organiser,
        title="Overlapping workshop",
        kind="workshop",
        start=at(event, 0, "10:30"),
        end=at(event, 0, "11:30"),
        room=annex,
        people=[(person, RoleKind.SPEAKER)],
        override=True,
    )
    late = SessionFactory(event=event, room=hall, title="Runs late", start=at(event, 0, "14:00"))
    squeezed = SessionFactory(
        event=event, room=hall, title="Squeezed after", start=at(event, 0, "15:00")
    )
    session_delay(session=late, by=None, minutes=20)
    SessionFactory(
        event=event, room=None, start=None, end=None, title="Idea without time", status="draft"
    )
    client.force_login(organiser)

    response = client.get(BUILDER)

    assert response.status_code == 200
    html = page(response)
    for room in (hall, annex, empty):
        assert re.search(rf'class="agenda-grid__room"[^>]*data-room="{room.pk}">{room.name}', html)
    assert "1 unresolved conflict" in html
    unresolved = html[html.index("1 unresolved conflict") : html.index("1 accepted conflict")]
    assert "“Hall A” is taken by “Runs late”" in unresolved
    assert f'href="{edit_url(squeezed)}">Squeezed after</a>' in unresolved
    accepted = html[html.index("1 accepted conflict") : html.index("</details>")]
    assert "Busy Person is also in “Morning panel”" in accepted
    assert "Accepted" in accepted
    unplaced = html[html.index("Sessions without a time") :]
    assert "Idea without time" in unplaced
    assert "Not published" in html
    assert "conflict-flag" in html


def test_builder_says_when_there_is_no_conflict(client, event, hall, organiser):
    SessionFactory(event=event, room=hall)
    client.force_login(organiser)

    html = page(client.get(BUILDER))

    assert "0 unresolved conflicts" in html
    assert "None: no room is double-booked" in html


def test_builder_shows_the_chosen_day(client, event, hall, organiser):
    SessionFactory(event=event, room=hall, title="First day session")
    SessionFactory(event=event, room=hall, title="Second day session", start=at(event, 1, "09:00"))
    client.force_login(organiser)

    html = page(client.get(BUILDER, {"day": day_of(event, 1)}))

    assert "Second day session" in html
    assert "First day session" not in html
    assert "UTC+08:00" in html


def test_publish_makes_the_programme_public_with_placed_drafts(
    client, event, hall, annex, organiser
):
    placed = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    other = SessionFactory(event=event, room=annex, status=Status.DRAFT)
    unplaced = SessionFactory(event=event, room=None, start=None, end=None, status=Status.DRAFT)
    roomless = SessionFactory(event=event, room=None, status=Status.DRAFT)
    client.force_login(organiser)
    assert "Publish the programme (3 sessions)" in page(client.get(BUILDER))

    response = client.post(BUILDER + "publish/", follow=True)

    assert response.redirect_chain == [(BUILDER, 302)]
    assert "The programme is public, with 3 newly published session(s)." in page(response)
    for session in (placed, other, unplaced, roomless):
        session.refresh_from_db()
    # A session with a time goes on the programme; without a room it is "to be announced".
    assert (placed.status, other.status, roomless.status) == ("scheduled",) * 3
    assert unplaced.status == "draft"
    programme = Programme.objects.get(event=event)
    assert programme.is_published
    assert programme.published_by == organiser
    logged = SessionUpdate.objects.get(event=event, kind=UpdateKind.PROGRAMME_PUBLISHED)
    assert logged.actor == organiser
    assert logged.changes == {"sessions": {"before": 0, "after": 3}}
    client.logout()
    assert listed(page(client.get(AGENDA)), placed)


def test_publish_is_post_only(client, event, organiser):
    client.force_login(organiser)

    assert client.get(BUILDER + "publish/").status_code == 405
    assert not Programme.objects.filter(event=event, published_at__isnull=False).exists()


# --- new and edited sessions ----------------------------------------------------------------


def test_new_session_form_offers_the_events_days_in_its_zone(client, event, hall, organiser):
    client.force_login(organiser)

    html = page(client.get(NEW_SESSION, {"day": day_of(event, 1), "start": "09:00"}))

    assert f'<option value="{day_of(event, 1)}" selected>' in html
    assert 'value="09:00"' in html
    assert "Asia/Shanghai time" in html


def test_new_session_stores_event_time_as_utc(client, event, hall, policy, organiser):
    client.force_login(organiser)

    response = client.post(
        NEW_SESSION,
        form_data(
            day=day_of(event, 1),
            start_time="09:30",
            end_time="10:45",
            room=hall.pk,
            track=policy.pk,
        ),
        follow=True,
    )

    session = Session.objects.get(title="Digital skills for teachers")
    second_day = event.start_date + dt.timedelta(days=1)
    assert session.start == dt.datetime.combine(second_day, dt.time(1, 30), tzinfo=UTC)
    assert session.end == dt.datetime.combine(second_day, dt.time(2, 45), tzinfo=UTC)
    assert (session.room, session.track, session.status) == (hall, policy, Status.DRAFT)
    assert response.redirect_chain == [(edit_url(session), 302)]
    html = page(response)
    assert "“Digital skills for teachers” is added as a draft." in html
    assert 'value="09:30"' in html and 'value="10:45"' in html


def test_new_session_without_time_is_an_unplaced_draft(client, event, organiser):
    client.force_login(organiser)

    response = client.post(NEW_SESSION, form_data())

    session = Session.objects.get()
    assert response.status_code == 302
    assert (session.start, session.end, session.room) == (None, None, None)


def test_new_session_needs_day_start_and_end_together(client, event, organiser):
    client.force_login(organiser)

    response = client.post(NEW_SESSION, form_data(day=day_of(event, 0), start_time="09:00"))

    assert response.status_code == 422
    assert "Give the day, the start and the end together, or none of them." in page(response)
    assert not Session.objects.exists()


def test_new_session_end_before_start_means_the_next_day(client, event, hall, organiser):
    client.force_login(organiser)

    response = client.post(
        NEW_SESSION,
        form_data(day=day_of(event, 0), start_time="23:00", end_time="01:00", room=hall.pk),
    )

    session = Session.objects.get()
    assert response.status_code == 302
    assert session.start == at(event, 0, "23:00")
    assert session.end == at(event, 1, "01:00")
    assert session.end - session.start == dt.timedelta(hours=2)


@pytest.fixture
def paris(db):
    spring = EventFactory(
        slug="spring",
        timezone="Europe/Paris",
        start_date=dt.date(2026, 3, 28),
        end_date=dt.date(2026, 3, 30),
    )
    autumn = EventFactory(
        slug="autumn",
        timezone="Europe/Paris",
        start_date=dt.date(2026, 10, 24),
        end_date=dt.date(2026, 10, 26),
    )
    user = UserFactory(username="paris-organiser")
    for event in (spring, autumn):
        TeamMemberFactory(event=event, user=user, role=TeamMember.Role.ORGANISER)
    return user


def test_new_session_refuses_a_time_the_dst_change_skips(client, paris):
    client.force_login(paris)

    response = client.post(
        "/events/spring/manage/sessions/new/",
        form_data(
            title="Springtime workshop", day="2026-03-29", start_time="02:30", end_time="04:00"
        ),
    )

    assert response.status_code == 422
    html = page(response)
    start_field = html[html.index('class="field field--start_time"') :]
    start_field = start_field[: start_field.index("</p>")]
    assert "02:30 does not exist on 2026-03-29 in Europe/Paris: the clocks skip it." in start_field
    assert 'class="field-error"' in start_field
    assert 'value="02:30"' in start_field
    assert 'value="Springtime workshop"' in html
    assert '<option value="2026-03-29" selected>' in html
    assert not Session.objects.exists()


def test_new_session_refuses_a_time_the_dst_change_repeats(client, paris):
    client.force_login(paris)

    response = client.post(
        "/events/autumn/manage/sessions/new/",
        form_data(day="2026-10-25", start_time="01:00", end_time="02:30"),
    )

    assert response.status_code == 422
    assert "02:30 happens twice on 2026-10-25 in Europe/Paris" in page(response)
    assert not Session.objects.exists()


def test_new_session_across_the_dst_change_stores_real_utc(client, paris):
    client.force_login(paris)

    response = client.post(
        "/events/spring/manage/sessions/new/",
        form_data(day="2026-03-29", start_time="01:30", end_time="03:30"),
    )

    session = Session.objects.get()
    assert response.status_code == 302
    assert session.start == dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert session.end == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_new_session_in_an_occupied_room_is_409_and_not_saved(client, event, hall, organiser):
    SessionFactory(event=event, room=hall, title="Already here")
    client.force_login(organiser)

    response = client.post(
        NEW_SESSION,
        form_data(day=day_of(event, 0), start_time="10:30", end_time="11:30", room=hall.pk),
    )

    assert response.status_code == 409
    assert "“Hall A” is taken by “Already here”" in page(response)
    assert Session.objects.count() == 1


def test_new_session_past_the_last_midnight_offers_the_override(client, event, hall, organiser):
    client.force_login(organiser)
    data = form_data(day=day_of(event, 1), start_time="23:00", end_time="01:00", room=hall.pk)

    refused = client.post(NEW_SESSION, data)

    assert refused.status_code == 409
    assert "is outside the event" in page(refused)
    assert '<input type="checkbox" name="override" value="on">' in page(refused)
    assert not Session.objects.exists()

    client.post(NEW_SESSION, {**data, "override": "on"})

    session = Session.objects.get()
    assert ConflictOverride.objects.filter(session=session, code="outside_event_dates").exists()


def test_moving_into_an_occupied_room_is_409_naming_the_other_session(
    client, event, hall, annex, organiser
):
    SessionFactory(event=event, room=hall, title="Keynote in Hall A")
    moving = SessionFactory(event=event, room=annex, title="Workshop to move")
    client.force_login(organiser)
    data = form_data(
        title="Workshop renamed",
        kind=moving.kind,
        day=day_of(event, 0),
        start_time="10:00",
        end_time="11:00",
        room=hall.pk,
    )

    response = client.post(edit_url(moving), data)

    assert response.status_code == 409
    html = page(response)
    assert "Not saved: conflicts" in html
    assert "“Hall A” is taken by “Keynote in Hall A”" in html
    assert "Must be fixed" in html
    assert 'name="override"' not in html
    assert 'value="Workshop renamed"' in html
    moving.refresh_from_db()
    assert (moving.room, moving.title) == (annex, "Workshop to move")
    assert not ConflictOverride.objects.exists()


def test_person_conflict_offers_the_override_and_records_it(client, event, hall, annex, organiser):
    person = PersonFactory(event=event, name="Dr Busy")
    SessionRoleFactory(
        session=SessionFactory(event=event, room=hall, title="Morning panel"), person=person
    )
    later = SessionFactory(
        event=event, room=annex, title="Afternoon talk", start=at(event, 0, "14:00")
    )
    SessionRoleFactory(session=later, person=person)
    client.force_login(organiser)
    data = form_data(
        title="Afternoon talk",
        day=day_of(event, 0),
        start_time="10:30",
        end_time="11:30",
        room=annex.pk,
    )

    refused = client.post(edit_url(later), data)

    assert refused.status_code == 409
    html = page(refused)
    assert "Dr Busy is also in “Morning panel”" in html
    assert '<input type="checkbox" name="override" value="on">' in html
    later.refresh_from_db()
    assert later.start == at(event, 0, "14:00")

    accepted = client.post(edit_url(later), {**data, "override": "on"}, follow=True)

    later.refresh_from_db()
    assert accepted.redirect_chain == [(edit_url(later), 302)]
    assert "“Afternoon talk” is saved." in page(accepted)
    assert later.start == at(event, 0, "10:30")
    override = ConflictOverride.objects.get()
    assert (override.session, override.code, override.person) == (later, "person_overlap", person)
    assert override.created_by == organiser
    # An accepted conflict is no longer listed on the session's page.
    assert "Dr Busy is also in" not in page(accepted)


def test_edit_page_shows_the_session_in_event_time(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, start=at(event, 1, "08:15"))
    client.force_login(organiser)

    html = page(client.get(edit_url(session)))

    assert f'<option value="{day_of(event, 1)}" selected>' in html
    assert 'value="08:15"' in html and 'value="09:15"' in html
    assert f'<option value="{hall.pk}" selected>Hall A</option>' in html


def test_edit_page_of_another_events_session_is_404(client, event, organiser):
    foreign = SessionFactory(event=EventFactory(slug="elsewhere"))
    client.force_login(organiser)

    assert client.get(f"/events/seminar/manage/sessions/{foreign.pk}/").status_code == 404


def test_action_publish_puts_a_draft_on_the_programme(client, event, hall, organiser):
    publish(event)
    draft = SessionFactory(event=event, room=hall, title="Late addition", status=Status.DRAFT)
    client.force_login(organiser)

    response = client.post(step_url(draft, "publish"), follow=True)

    draft.refresh_from_db()
    assert draft.status == Status.SCHEDULED
    assert "“Late addition” is on the programme." in page(response)
    assert len(updates(draft, UpdateKind.PUBLISHED)) == 1


def test_action_publish_of_an_unplaced_draft_is_an_error(client, event, organiser):
    draft = SessionFactory(event=event, room=None, start=None, end=None, status=Status.DRAFT)
    client.force_login(organiser)

    response = client.post(step_url(draft, "publish"), follow=True)

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert "message--error" in page(response)


def test_action_cancel_with_reason_then_reinstate(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Outdoor visit")
    publish(event)
    client.force_login(organiser)

    cancelled = client.post(step_url(session, "cancel"), {"reason": "Typhoon warning"}, follow=True)

    session.refresh_from_db()
    assert session.status == Status.CANCELLED
    assert "“Outdoor visit” is cancelled; it stays on the programme, marked." in page(cancelled)
    logged = updates(session, UpdateKind.CANCELLED)
    assert [u.message for u in logged] == ["Typhoon warning"]
    assert "Reinstate" in page(cancelled)

    reinstated = client.post(step_url(session, "reinstate"), follow=True)

    session.refresh_from_db()
    assert session.status == Status.SCHEDULED
    assert "“Outdoor visit” is back on the programme." in page(reinstated)
    assert updates(session, UpdateKind.STATUS)[-1].changes["status"] == {
        "before": "cancelled",
        "after": "scheduled",
    }


def test_action_reinstate_into_a_taken_room_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, status=Status.CANCELLED)
    SessionFactory(event=event, room=hall, title="Took the room")
    client.force_login(organiser)

    response = client.post(step_url(session, "reinstate"), follow=True)

    session.refresh_from_db()
    assert session.status == Status.CANCELLED
    assert "“Hall A” is taken by “Took the room”" in page(response)


def test_action_delete_removes_a_draft(client, event, hall, organiser):
    draft = SessionFactory(event=event, room=hall, title="Bad idea", status=Status.DRAFT)
    client.force_login(organiser)

    response = client.post(step_url(draft, "delete"), follow=True)

    assert not Session.objects.filter(pk=draft.pk).exists()
    assert response.redirect_chain == [(BUILDER, 302)]
    assert "“Bad idea” is deleted." in page(response)


def test_action_delete_of_a_public_session_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Announced")
    publish(event)
    client.force_login(organiser)

    response = client.post(step_url(session, "delete"), follow=True)

    assert Session.objects.filter(pk=session.pk).exists()
    assert "cancel it instead" in page(response)


def test_people_search_on_the_edit_page(client, event, hall, organiser):
    lahore = OrganizationFactory(name="UET Lahore", acronym="UET")
    session = SessionFactory(event=event, room=hall)
    found = PersonFactory(event=event, name="Ngozi Okafor", organization=lahore, position="Dean")
    PersonFactory(event=event, name="Somebody Else")
    PersonFactory(event=EventFactory(), name="Ngozi Elsewhere")
    client.force_login(organiser)

    by_org = page(client.get(edit_url(session), {"q": "lahore"}))
    by_name = page(client.get(edit_url(session), {"q": "ngozi"}))
    nobody = page(client.get(edit_url(session), {"q": "zzz"}))

    for html in (by_org, by_name):
        results = html[html.index('class="people-results"') :]
        assert "<strong>Ngozi Okafor</strong>, Dean · UET Lahore" in results
        assert f'name="person" value="{found.pk}"' in results
        assert "Somebody Else" not in results
        assert "Ngozi Elsewhere" not in results
    assert "Nobody matches “zzz”." in nobody


def test_action_assign_and_unassign_a_person(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Panel on access")
    person = PersonFactory(event=event, name="Ngozi Okafor")
    client.force_login(organiser)

    assigned = client.post(
        step_url(session, "people"), {"person": person.pk, "role": "moderator"}, follow=True
    )

    link = SessionRole.objects.get(session=session)
    assert (link.person, link.role) == (person, RoleKind.MODERATOR)
    assert "Ngozi Okafor is added to “Panel on access”." in page(assigned)
    assert "<strong>Ngozi Okafor</strong>, moderator" in page(assigned)

    removed = client.post(step_url(session, f"people/{link.pk}/remove"), follow=True)

    assert not SessionRole.objects.filter(session=session).exists()
    assert "Ngozi Okafor is removed from “Panel on access”." in page(removed)
    assert Person.objects.filter(pk=person.pk).exists()


def test_action_assign_a_busy_person_needs_the_override(client, event, hall, annex, organiser):
    person = PersonFactory(event=event, name="Dr Busy")
    SessionRoleFactory(session=SessionFactory(event=event, room=hall), person=person)
    session = SessionFactory(event=event, room=annex, title="Same time")
    client.force_login(organiser)
    data = {"person": person.pk, "role": "speaker"}

    refused = client.post(step_url(session, "people"), data, follow=True)

    assert not SessionRole.objects.filter(session=session).exists()
    assert "Dr Busy is also in" in page(refused)

    client.post(step_url(session, "people"), {**data, "override": "on"})

    assert SessionRole.objects.filter(session=session, person=person).exists()
    assert ConflictOverride.objects.filter(session=session, person=person).exists()


def test_action_assign_a_person_of_another_event_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)
    foreign = PersonFactory(event=EventFactory(), name="Foreigner")
    client.force_login(organiser)

    response = client.post(
        step_url(session, "people"), {"person": foreign.pk, "role": "speaker"}, follow=True
    )

    assert not SessionRole.objects.exists()
    assert "That person is not on this event" in page(response)


def test_action_new_person_creates_the_person_and_the_role(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall, title="Panel on access")
    client.force_login(organiser)

    response = client.post(
        step_url(session, "people/new"),
        {
            "honorific": "Prof.",
            "name": "Kwame Mensah",
            "position": "Vice-Chancellor",
            "organization": "",
            "country": "GH",
            "email": "kwame@example.org",
            "bio": "",
            "role": "panellist",
        },
        follow=True,
    )

    person = Person.objects.get(name="Kwame Mensah")
    assert (person.event, person.honorific, person.country.code) == (event, "Prof.", "GH")
    assert person.email == "kwame@example.org"
    link = SessionRole.objects.get(session=session)
    assert (link.person, link.role) == (person, RoleKind.PANELLIST)
    assert "Prof. Kwame Mensah is added to the event and to “Panel on access”." in page(response)


def test_action_new_person_without_a_name_is_refused(client, event, hall, organiser):
    session = SessionFactory(event=event, room=hall)
    client.force_login(organiser)

    response = client.post(
        step_url(session, "people/new"), {"name": "", "role": "speaker"}, follow=True
    )

    assert not Person.objects.exists()
    assert "The person was not added" in page(response)


def test_session_pages_for_organisers_only(client, event, hall, checkin_staff):
    session = SessionFactory(event=event, room=hall, status=Status.DRAFT)
    client.force_login(checkin_staff)

    assert client.get(edit_url(session)).status_code == 403
    assert client.post(step_url(session, "delete")).status_code == 403
    assert Session.objects.filter(pk=session.pk).exists()


# --- accessibility basics -------------------------------------------------------------------


def test_programme_pages_have_one_h1(client, event, chaired, chair_user, organiser):
    publish(event)
    Bookmark.objects.create(user=chair_user, session=chaired)
    client.force_login(chair_user)
    for url in (AGENDA, session_url(chaired), MY_AGENDA, CHAIR):
        html = page(client.get(url))
        assert html.count("<h1") == 1, url
    client.force_login(organiser)
    for url in (BUILDER, NEW_SESSION, edit_url(chaired)):
        html = page(client.get(url))
        assert html.count("<h1") == 1, url


def test_agenda_filter_controls_have_labels(client, event, hall):
    SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(AGENDA))

    for name in ("q", "track", "kind", "attendance", "room"):
        assert f'<label for="id_{name}">' in html, name
        assert f'id="id_{name}"' in html, name
    assert 'role="search"' in html


@pytest.mark.parametrize("where", ["agenda", "session"])
def test_time_zone_switch_is_there_but_hidden_until_script_runs(client, event, hall, where):
    session = SessionFactory(event=event, room=hall)
    publish(event)

    html = page(client.get(AGENDA if where == "agenda" else session_url(session)))

    button = re.search(r"<button[^>]*data-tz-switch[^>]*>", html).group(0)
    assert " hidden" in button
    assert 'type="button"' in button
    assert 'data-event-zone="Asia/Shanghai"' in html
    assert "js/agenda.js" in html
