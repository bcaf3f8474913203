"""Announcements in each language of the event: written side by side by a chair or an
organiser, read by each viewer in theirs (the API, the live page, its messages)."""

import pytest

from confman.core.exceptions import InvalidInput
from livestream.selectors import update_dict
from sessions.models import RoleKind, SessionUpdate, UpdateKind
from sessions.services.chair import announcement_create
from tests.factories import PersonFactory, RoomFactory, SessionFactory, SessionRoleFactory
from tests.helpers import messages_of, page, publish

pytestmark = pytest.mark.django_db

BOTH = {"en": "Lunch is served in Hall C.", "zh-hans": "午餐在C厅供应。"}


@pytest.fixture
def bilingual(event):
    event.languages = ["en", "zh-hans"]
    event.save()
    publish(event)
    return event


def _announced(event) -> list[SessionUpdate]:
    return list(
        SessionUpdate.objects.filter(event=event, kind=UpdateKind.ANNOUNCEMENT).order_by("sequence")
    )


# --- the service ----------------------------------------------------------------------------


def test_an_announcement_keeps_each_language_in_the_events_order(bilingual, organiser):
    announcement_create(
        event=bilingual,
        by=organiser,
        message={"zh-hans": "  午餐在C厅供应。 ", "en": " Lunch is served in Hall C. "},
    )

    (update,) = _announced(bilingual)
    assert update.message.translations == BOTH
    assert list(update.message.translations) == ["en", "zh-hans"]


def test_one_language_is_enough(bilingual, organiser):
    announcement_create(event=bilingual, by=organiser, message={"en": "Doors open", "zh-hans": ""})

    assert [str(u.message) for u in _announced(bilingual)] == ["Doors open"]


@pytest.mark.parametrize(
    "message",
    [{"en": "", "zh-hans": "  "}, {"en": "ok", "zh-hans": "长" * 501}, {"de": "Mittagessen"}],
)
def test_an_announcement_in_no_language_too_long_or_in_another_is_refused(
    bilingual, organiser, message
):
    with pytest.raises(InvalidInput) as caught:
        announcement_create(event=bilingual, by=organiser, message=message)

    assert {problem["field"] for problem in caught.value.errors} == {"message"}
    assert not _announced(bilingual)


# --- the API --------------------------------------------------------------------------------


def test_the_api_takes_an_announcement_in_each_language_and_gives_the_readers(
    client, bilingual, organiser, bearer
):
    response = client.post(
        "/api/events/seminar/announcements",
        {"message": BOTH},
        content_type="application/json",
        headers={**bearer(organiser), "Accept-Language": "zh-hans"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["message"] == "午餐在C厅供应。"
    assert body["message_translations"] == BOTH
    log = client.get("/api/events/seminar/updates", headers={"Accept-Language": "en"}).json()
    assert [u["message"] for u in log["updates"] if u["kind"] == "announcement"] == [BOTH["en"]]


def test_the_api_refuses_a_language_the_event_does_not_work_in(
    client, bilingual, organiser, bearer
):
    response = client.post(
        "/api/events/seminar/announcements",
        {"message": {"en": "Lunch", "ru": "Обед"}},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert "ru" in response.content.decode()
    assert not _announced(bilingual)


def test_the_chairs_status_call_takes_an_announcement_in_each_language(
    client, bilingual, organiser, bearer
):
    session = SessionFactory(event=bilingual, room=RoomFactory(event=bilingual))

    response = client.post(
        f"/api/events/seminar/sessions/{session.pk}/status",
        {"action": "announcement", "message": BOTH},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 200, response.content
    assert [u.message.translations for u in _announced(bilingual)] == [BOTH]


def test_the_status_call_needs_an_announcement_in_some_language(
    client, bilingual, organiser, bearer
):
    session = SessionFactory(event=bilingual, room=RoomFactory(event=bilingual))

    response = client.post(
        f"/api/events/seminar/sessions/{session.pk}/status",
        {"action": "announcement", "message": {"en": " ", "zh-hans": ""}},
        content_type="application/json",
        headers=bearer(organiser),
    )

    assert response.status_code == 422
    assert not _announced(bilingual)


# --- the chair console ----------------------------------------------------------------------


@pytest.fixture
def chair_client(client, bilingual, django_user_model):
    user = django_user_model.objects.create_user("chair", password="pw")
    session = SessionFactory(event=bilingual, room=RoomFactory(event=bilingual), title="Opening")
    person = PersonFactory(event=bilingual, name="Amina Diallo", user=user)
    SessionRoleFactory(session=session, person=person, role=RoleKind.CHAIR)
    client.force_login(user)
    client.session_under_test = session
    return client


def test_the_console_offers_a_box_per_language_of_the_event(chair_client):
    session = chair_client.session_under_test

    html = chair_client.get("/events/seminar/chair/").content.decode()

    assert f'id="announce-{session.pk}-message_0"' in html
    assert f'id="announce-{session.pk}-message_1"' in html
    assert 'lang="zh-hans"' in html


def test_the_console_posts_both_languages(chair_client, bilingual):
    session = chair_client.session_under_test

    response = chair_client.post(
        f"/events/seminar/chair/sessions/{session.pk}/announcement/",
        {"message_0": BOTH["en"], "message_1": BOTH["zh-hans"]},
        follow=True,
    )

    assert "Announced to everyone following" in messages_of(page(response))
    assert [u.message.translations for u in _announced(bilingual)] == [BOTH]


# --- what viewers read ----------------------------------------------------------------------


def test_live_messages_carry_every_language_and_the_page_shows_the_readers(
    client, bilingual, organiser
):
    announcement_create(event=bilingual, by=organiser, message=BOTH)
    (update,) = _announced(bilingual)

    assert update_dict(update)["messages"] == BOTH
    assert "午餐在C厅供应。" in client.get("/zh-hans/events/seminar/live/").content.decode()
    assert BOTH["en"] in client.get("/events/seminar/live/").content.decode()
    snapshot = client.get(
        "/api/events/seminar/live", headers={"Accept-Language": "zh-hans"}
    ).json()["snapshot"]
    assert [(a["message"], a["messages"]) for a in snapshot["announcements"]] == [
        ("午餐在C厅供应。", BOTH)
    ]


def test_an_announcement_in_one_text_is_sent_once(bilingual, organiser):
    announcement_create(event=bilingual, by=organiser, message="Doors open")
    (update,) = _announced(bilingual)

    assert update_dict(update)["messages"] == {}
