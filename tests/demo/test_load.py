import pytest

from confman.demo.load import seed_load_test
from events.models import Event, TeamMember
from sessions.models import Session, SessionStatus


@pytest.mark.django_db
def test_the_load_seed_gives_an_organiser_whose_token_runs_the_chosen_session_late(client):
    seeded = seed_load_test("load-organiser")

    event = Event.objects.get(pk=seeded["event"])
    assert seeded["slug"] == event.slug
    session = Session.objects.get(pk=seeded["session"], event=event)
    assert seeded["status"] == session.status in (SessionStatus.LIVE, SessionStatus.SCHEDULED)
    assert TeamMember.objects.filter(
        event=event, user__username="load-organiser", role=TeamMember.Role.ORGANISER
    ).exists()
    answer = client.post(
        f"/api/events/{event.slug}/sessions/{session.pk}/status",
        {"action": "delay", "minutes": 5},
        content_type="application/json",
        headers={"Authorization": f"Bearer {seeded['token']}"},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["session"]["delay_minutes"] == 5
