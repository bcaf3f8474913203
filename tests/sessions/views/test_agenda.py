"""The programme's public pages: the agenda (by day, filtered, searched), a session's page,
bookmarks and the personal agenda. What each page shows to whom."""

import datetime as dt
import re

import pytest
from django.test import Client

from events.models import Room
from events.timezones import local_today
from sessions.models import Bookmark, RoleKind, Session, SessionStatus
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    at,
)
from tests.helpers import page, publish
from tests.sessions.views.helpers import (
    AGENDA,
    LOGIN,
    MY_AGENDA,
    day_of,
    listed,
    login_next,
    session_url,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
Status = SessionStatus
PASSWORD = "correct horse battery staple"


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
    # Each session is under its day's heading.
    second_day = event.start_date + dt.timedelta(days=1)
    heading = f'{second_day:%A} {second_day.day} {second_day:%B %Y} <span class="count">(1 session)'
    assert heading in html
    assert html.index(heading) < html.index(f'href="{session_url(second)}"')
    assert 'data-moment="time">14:00</time>' in html


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
    panellist = '<strong><bdi>The panellist</bdi></strong> <span class="muted">(Panellist)</span>'
    assert panellist in html
    assert "Speaker position" in html
    assert '<bdi>UET Lahore</bdi>, <span class="country">Pakistan</span>' in html
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
    assert "Remove “<bdi>Closing plenary</bdi>” from my agenda" in html


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
