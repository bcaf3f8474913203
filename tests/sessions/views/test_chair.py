"""The chair console and its steps: live and ended, a delay (with the preview that offers to
push the later sessions), announcements, the next speaker; and who may use them."""

import pytest

from sessions.models import RoleKind, SessionStatus, SessionUpdate, UpdateKind
from tests.factories import PersonFactory, SessionFactory, SessionRoleFactory, UserFactory, at
from tests.helpers import messages_of, page, publish
from tests.sessions.views.helpers import CHAIR, chair_url, login_next, session_url, updates

pytestmark = pytest.mark.django_db

Status = SessionStatus


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
    assert live.redirect_chain == [(f"{CHAIR}?session={chaired.pk}#session-{chaired.pk}", 302)]
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

    assert response["Location"] == f"{CHAIR}?session={chaired.pk}#session-{chaired.pk}"


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
    assert "“<bdi>Opening plenary</bdi>” runs 15 minutes late." in html
    assert '<th scope="row" dir="auto">Next in hall</th>' in html
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
    back = f"{CHAIR}?session={chaired.pk}#session-{chaired.pk}"
    assert confirmed.redirect_chain[-1] == (back, 302)
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
    assert "1 later session in the room was pushed back." in messages_of(page(confirmed))


def test_chair_delay_with_shift_following_at_once_pushes_and_says_so(console, event, hall, chaired):
    next_one = SessionFactory(event=event, room=hall, start=at(event, 0, "11:00"))

    response = console.post(
        chair_url(chaired, "delay"), {"minutes": "10", "shift_following": "1"}, follow=True
    )

    next_one.refresh_from_db()
    assert next_one.delay_minutes == 10
    assert response.redirect_chain == [(f"{CHAIR}?session={chaired.pk}#session-{chaired.pk}", 302)]
    assert "1 later session in the room was pushed back." in messages_of(page(response))


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


@pytest.mark.parametrize("who", ["checkin_staff", "outsider", "speaker_only"])
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
