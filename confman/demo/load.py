"""What the live benchmark (bench/live_servers.py) and the production rehearsal
(deploy/rehearse.py) seed into their scratch database: the demo conference, an organiser on its
team with an API token, and the session a chair runs late."""

from django.contrib.auth.models import User

from confman.demo.events import seed_demo_event
from events.models import TeamMember
from events.services import api_token_create, team_member_set
from sessions.models import SessionStatus


def seed_load_test(username: str) -> dict:
    """The demo event with `username` as its organiser; what a client of the load needs."""
    event, _ = seed_demo_event()
    organiser = User.objects.create_user(username, email=f"{username}@example.org")
    team_member_set(event=event, by=None, user=organiser, role=TeamMember.Role.ORGANISER)
    token = api_token_create(user=organiser, name=username)[1]
    sessions = event.sessions.order_by("start", "pk")
    session = (
        sessions.filter(status=SessionStatus.LIVE).first()
        or sessions.filter(status=SessionStatus.SCHEDULED).first()
    )
    return {
        "slug": event.slug,
        "event": event.pk,
        "session": session.pk,
        "title": session.title,
        "status": session.status,
        "token": token,
    }
