"""The organiser's agenda builder and publishing, and the page of a new or edited session: the
event's days in its zone, conflicts and their override, the people search."""

import datetime as dt
import re

import pytest

from events.models import TeamMember
from sessions.models import (
    ConflictOverride,
    Programme,
    RoleKind,
    Session,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.services.chair import session_delay
from sessions.services.sessions import session_create
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    UserFactory,
    at,
)
from tests.helpers import page
from tests.sessions.views.helpers import (
    AGENDA,
    BUILDER,
    NEW_SESSION,
    day_of,
    edit_url,
    form_data,
    listed,
    login_next,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
Status = SessionStatus


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
        name = f"<bdi>{room.name}</bdi>"
        assert re.search(rf'class="agenda-grid__room"[^>]*data-room="{room.pk}">{name}', html)
    assert "1 unresolved conflict" in html
    unresolved = html[html.index("1 unresolved conflict") : html.index("1 accepted conflict")]
    assert "“Hall A” is taken by “Runs late”" in unresolved
    assert f'href="{edit_url(squeezed)}"><bdi>Squeezed after</bdi></a>' in unresolved
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
    assert "The programme is public, with 3 newly published sessions." in page(response)
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
        person = "<strong><bdi>Ngozi Okafor</bdi></strong>, <bdi>Dean</bdi> · <bdi>UET Lahore</bdi>"
        assert person in results
        assert f'name="person" value="{found.pk}"' in results
        assert "Somebody Else" not in results
        assert "Ngozi Elsewhere" not in results
    assert "Nobody matches “<bdi>zzz</bdi>”." in nobody


def test_the_edit_page_gives_every_language_of_the_event_side_by_side(client, event, organiser):
    event.languages = ["en", "zh-hans"]
    event.save(update_fields=["languages"])
    session = SessionFactory(
        event=event,
        title={"en": "Opening", "zh-hans": "开幕式"},
        status=Status.DRAFT,
        start=None,
        end=None,
        room=None,
    )
    client.force_login(organiser)

    html = page(client.get(edit_url(session)))
    data = {**form_data(), "title_0": "Opening ceremony", "title_1": "开幕典礼"}
    del data["title"]
    saved = client.post(edit_url(session), data)

    assert 'name="title_0" value="Opening"' in html.replace(' lang="en" dir="ltr"', "")
    assert 'lang="zh-hans"' in html and "开幕式" in html
    assert saved.status_code == 302
    session.refresh_from_db()
    assert session.title.translations == {"en": "Opening ceremony", "zh-hans": "开幕典礼"}
