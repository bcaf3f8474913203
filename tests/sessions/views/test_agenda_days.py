"""The agenda's "all days" view of a large programme (its first or current day written out, the
others read when opened, from ?day=…&fragment=1) and what each session item says."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.timezones import local_today
from sessions.models import Bookmark, RoleKind, SessionStatus
from sessions.views import agenda as agenda_views
from tests.factories import (
    PersonFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    at,
)
from tests.helpers import page, publish
from tests.sessions.views.helpers import AGENDA, day_of, listed, session_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def few_at_once(monkeypatch):
    """The "all days" view writes out every day up to 3 sessions, then only one."""
    monkeypatch.setattr(agenda_views, "ALL_AT_ONCE", 3)


def _two_days(event, hall, annex, policy):
    """Two sessions on each of the event's two days; the second of each in the policy track."""
    return [
        SessionFactory(event=event, room=hall, title="Opening", start=at(event, 0, "09:00")),
        SessionFactory(
            event=event, room=annex, track=policy, title="Policy lab", start=at(event, 0, "11:00")
        ),
        SessionFactory(event=event, room=hall, title="Report-back", start=at(event, 1, "09:00")),
        SessionFactory(
            event=event, room=annex, track=policy, title="Closing", start=at(event, 1, "11:00")
        ),
    ]


def fragment(client, day: str, **filters):
    return client.get(AGENDA, {"day": day, "fragment": "1", **filters})


# --- "all days" -----------------------------------------------------------------------------


def test_all_days_writes_out_the_first_day_and_links_the_others(
    client, event, hall, annex, policy, few_at_once
):
    opening, lab, report, closing = _two_days(event, hall, annex, policy)
    publish(event)

    html = page(client.get(AGENDA, {"day": "all"}))

    assert 'All days <span class="count">(4 sessions)' in html
    assert listed(html, opening) and listed(html, lab)
    assert not listed(html, report) and not listed(html, closing)
    second = day_of(event, 1)
    # Read when opened, from the same address with the day and fragment=1 ...
    assert f'data-fragment="?day={second}&amp;fragment=1"' in html
    # ... and without JavaScript, a link to the day's own page.
    assert f'<a href="?day={second}">Open this day\'s page</a>' in html
    assert html.count('<details class="agenda-day"') == 2
    assert html.count('<details class="agenda-day" open>') == 1


def test_all_days_keeps_the_filters_in_its_links(client, event, hall, annex, policy, few_at_once):
    _two_days(event, hall, annex, policy)
    SessionFactory(event=event, room=annex, track=policy, title="More", start=at(event, 1, "14:00"))
    SessionFactory(event=event, room=annex, track=policy, title="Most", start=at(event, 1, "16:00"))
    publish(event)

    html = page(client.get(AGENDA, {"day": "all", "track": policy.pk}))

    second = day_of(event, 1)
    assert "(4 sessions)" in html
    assert f'data-fragment="?day={second}&amp;track={policy.pk}&amp;fragment=1"' in html
    assert f'<a href="?day={second}&amp;track={policy.pk}">' in html


def test_all_days_writes_out_every_day_of_a_small_programme(client, event, hall, annex, policy):
    sessions = _two_days(event, hall, annex, policy)
    publish(event)

    html = page(client.get(AGENDA, {"day": "all"}))

    assert all(listed(html, session) for session in sessions)
    assert "data-fragment" not in html
    assert html.count('<details class="agenda-day" open>') == 2


def test_all_days_shows_the_current_day_during_the_event(client, event, hall, few_at_once):
    today = local_today(event.timezone)
    event.start_date, event.end_date = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    event.save()
    days = [SessionFactory(event=event, room=hall, start=at(event, n, "12:00")) for n in range(3)]
    SessionFactory(event=event, room=hall, start=at(event, 1, "15:00"))
    publish(event)

    html = page(client.get(AGENDA, {"day": "all"}))

    assert [listed(html, s) for s in days] == [False, True, False]


def test_all_days_without_any_session_says_so(client, event, hall):
    publish(event)

    html = page(client.get(AGENDA, {"day": "all", "q": "nothing like this"}))

    assert "No session matches these filters" in html
    assert "<details" not in html


def test_team_sees_unplaced_drafts_under_their_own_heading(
    client, event, hall, annex, policy, organiser, few_at_once
):
    _two_days(event, hall, annex, policy)
    draft = SessionFactory(
        event=event, room=None, start=None, end=None, title="Idea", status=SessionStatus.DRAFT
    )
    client.force_login(organiser)

    html = page(client.get(AGENDA, {"day": "all"}))

    assert "Time to be announced" in html
    assert html.index("Time to be announced") < html.index(f'href="{session_url(draft)}"')
    assert "(5 sessions)" in html


# --- one day's fragment ---------------------------------------------------------------------


def test_fragment_is_the_days_sessions_alone(client, event, hall, annex, policy):
    opening, lab, report, closing = _two_days(event, hall, annex, policy)
    publish(event)

    response = fragment(client, day_of(event, 1))

    assert response.status_code == 200
    html = page(response)
    assert html.startswith('<ol class="agenda-list">')
    assert "<html" not in html and "<form" not in html
    assert listed(html, report) and listed(html, closing)
    assert not listed(html, opening) and not listed(html, lab)
    assert '<h4 class="agenda-item__title"' in html  # under the day's <h3>


def test_fragment_honours_the_filters(client, event, hall, annex, policy):
    opening, lab, report, closing = _two_days(event, hall, annex, policy)
    publish(event)

    by_track = page(fragment(client, day_of(event, 1), track=policy.pk))
    by_room = page(fragment(client, day_of(event, 1), room=hall.pk))
    by_search = page(fragment(client, day_of(event, 1), q="report"))
    nothing = page(fragment(client, day_of(event, 1), q="nothing like this"))

    assert listed(by_track, closing) and not listed(by_track, report)
    assert listed(by_room, report) and not listed(by_room, closing)
    assert listed(by_search, report) and not listed(by_search, closing)
    assert "No session matches these filters on this day." in nothing


def test_fragment_never_shows_drafts_to_the_public(client, event, hall, reader):
    shown = SessionFactory(event=event, room=hall, title="Shown", start=at(event, 1, "09:00"))
    publish(event)
    draft = SessionFactory(
        event=event, room=hall, title="Secret", start=at(event, 1, "11:00"), status="draft"
    )
    client.force_login(reader)

    html = page(fragment(client, day_of(event, 1)))

    assert listed(html, shown)
    assert not listed(html, draft) and "Secret" not in html


def test_fragment_of_an_unpublished_programme_is_404(client, event, hall):
    SessionFactory(event=event, room=hall)

    assert fragment(client, day_of(event, 0)).status_code == 404


@pytest.mark.parametrize("day", ["", "all", "tomorrow", "2026-13-45"])
def test_fragment_without_a_day_says_how_to_give_one(client, event, hall, day):
    publish(event)

    response = fragment(client, day)

    assert response.status_code == 400
    assert f"Give the day as YYYY-MM-DD, e.g. day={event.start_date.isoformat()}." in page(response)


def test_fragment_of_a_day_outside_the_programme_is_404(client, event, hall):
    SessionFactory(event=event, room=hall)
    publish(event)

    response = fragment(client, "1999-01-01")

    assert response.status_code == 404
    assert "The programme has no day 1999-01-01." in page(response)


def test_fragment_of_a_day_with_a_session_outside_the_events_days(client, event, hall):
    late = SessionFactory(event=event, room=hall, start=at(event, 5, "10:00"))
    publish(event)
    after = (event.end_date + dt.timedelta(days=4)).isoformat()

    response = fragment(client, after)

    assert response.status_code == 200
    assert listed(page(response), late)


# --- a session item -------------------------------------------------------------------------


def test_item_names_chairs_then_speakers_and_says_what_is_on_my_agenda(
    client, event, hall, policy, reader
):
    session = SessionFactory(
        event=event, room=hall, track=policy, title="Panel", language="fr", delay_minutes=5
    )
    for order, (name, role) in enumerate(
        [
            ("Li Wei", RoleKind.SPEAKER),
            ("Ana Lima", RoleKind.MODERATOR),
            ("Omar <b>Haddad</b>", RoleKind.PANELLIST),
            ("Rita Rapporteur", RoleKind.RAPPORTEUR),
        ]
    ):
        SessionRoleFactory(
            session=session, person=PersonFactory(event=event, name=name), role=role, order=order
        )
    publish(event)
    Bookmark.objects.create(user=reader, session=session)
    client.force_login(reader)

    for html in (page(client.get(AGENDA)), page(fragment(client, day_of(event, 0)))):
        assert (
            "<bdi>Ana Lima</bdi> (moderator), <bdi>Li Wei</bdi>, "
            "<bdi>Omar &lt;b&gt;Haddad&lt;/b&gt;</bdi></p>"
        ) in html
        assert "Rita Rapporteur" not in html  # on the session's page only
        assert '<span class="badge badge--late">5 min late</span>' in html
        assert '<span lang="fr">français</span>' in html
        assert "<bdi>Policy track</bdi> · " in html
        assert "· <strong>On my agenda</strong>" in html
        assert f'<a href="{session_url(session)}">Panel</a>' in html


def test_grid_item_has_its_cell_its_track_colour_and_its_people_as_a_tooltip(client, event, hall):
    track = TrackFactory(event=event, name="Research", colour="#aa3300")
    session = SessionFactory(event=event, room=hall, track=track, start=at(event, 0, "09:30"))
    SessionRoleFactory(session=session, person=PersonFactory(event=event, name="Ana Lima"))
    publish(event)

    html = page(client.get(AGENDA))

    assert (f'style="grid-area: 8 / 2 / 20; --track: #aa3300;" id="session-{session.pk}"') in html
    assert '<p class="agenda-item__people" title="Ana Lima"><bdi>Ana Lima</bdi></p>' in html


# --- cost -----------------------------------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [{"day": "all"}, {"day": "1", "fragment": "1"}])
def test_all_days_and_fragment_queries_do_not_grow_with_sessions(
    client, event, hall, annex, policy, reader, params, few_at_once
):
    if params.get("fragment"):
        params = {**params, "day": day_of(event, 1)}

    def add(count: int) -> None:
        for n in range(count):
            for day in range(2):
                session = SessionFactory(
                    event=event,
                    room=hall if n % 2 else annex,
                    track=policy,
                    start=at(event, day, "08:00") + dt.timedelta(minutes=10 * n),
                )
                SessionRoleFactory(session=session, role=RoleKind.CHAIR)
                SessionRoleFactory(session=session)

    add(3)
    publish(event)
    Bookmark.objects.create(user=reader, session=event.sessions.first())
    client.force_login(reader)
    few = _queries(client, AGENDA, params)

    add(60)
    many = _queries(client, AGENDA, params)

    assert many == few, f"{few} queries for 6 sessions, {many} for 126"


def test_a_day_outside_the_events_days_has_its_page_when_a_session_is_on_it(
    client, event, hall, few_at_once
):
    sessions = [
        SessionFactory(event=event, room=hall, start=at(event, 0, "09:00")) for _ in range(3)
    ]
    late = SessionFactory(event=event, room=hall, title="Late", start=at(event, 5, "10:00"))
    publish(event)
    after = (event.end_date + dt.timedelta(days=4)).isoformat()

    all_days = page(client.get(AGENDA, {"day": "all"}))
    day_page = page(client.get(AGENDA, {"day": after}))

    assert f'<a href="?day={after}">' in all_days and not listed(all_days, late)
    assert listed(day_page, late)
    assert not any(listed(day_page, session) for session in sessions)
