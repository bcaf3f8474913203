"""What the programme page tests share: the pages' addresses, and how to read a page."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from sessions.models import SessionUpdate

LOGIN = "/accounts/login/"
AGENDA = "/events/seminar/agenda/"
MY_AGENDA = "/events/seminar/my-agenda/"
CHAIR = "/events/seminar/chair/"
BUILDER = "/events/seminar/manage/agenda/"
NEW_SESSION = "/events/seminar/manage/sessions/new/"


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
