"""The Content-Security-Policy in a real browser: every main page, as each of its users meets it,
loads and runs its scripts without a single violation (inline script, a style block, a worker,
the live socket, an embedded player), and an inline script an attacker slipped in is refused."""

import pytest

from events.models import TeamMember
from livestream.models import Stream
from sessions.models import SessionRole
from sessions.services.programme import programme_publish
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

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

# Records every violation from the first byte of each page on.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def seminar(transactional_db):
    event = EventFactory(slug="seminar", title="Regional Seminar", timezone="Asia/Shanghai")
    room = RoomFactory(event=event, name="Hall A", order=1)
    session = SessionFactory(
        event=event, room=room, title="Opening plenary", start=at(event, 0, "10:00")
    )
    Stream.objects.create(
        event=event,
        room=room,
        provider="youtube",
        url="https://www.youtube.com/watch?v=aqz-KE-bpKQ",
        embed_url="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ",
        public=True,
    )
    programme_publish(event=event, by=None)
    owner = UserFactory(username="owner", is_staff=True)
    owner.set_password(PASSWORD)
    owner.save()
    TeamMemberFactory(event=event, role=TeamMember.Role.OWNER, user=owner)
    chair = PersonFactory(event=event, name="Grace Hopper", user=owner)
    SessionRoleFactory(session=session, person=chair, role=SessionRole.Kind.CHAIR)
    return event, session, owner


def sign_in(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def violations(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


def test_every_main_page_runs_without_a_policy_violation(page, live_server, seminar):
    event, session, owner = seminar
    page.add_init_script(WATCH)
    public = [
        "/",
        "/events/seminar/",
        "/events/seminar/agenda/",
        f"/events/seminar/sessions/{session.pk}/",
        "/events/seminar/register/",
        "/events/seminar/live/",
        "/zh-hans/events/seminar/agenda/",
        "/api/docs",
    ]
    team = [
        "/events/seminar/manage/agenda/",
        "/events/seminar/manage/registrations/",
        "/events/seminar/checkin/",
        "/events/seminar/chair/",
        f"/admin/events/event/{event.pk}/change/",
    ]

    found = {path: violations(page, live_server.url + path) for path in public}
    sign_in(page, live_server, owner)
    found |= {path: violations(page, live_server.url + path) for path in team}

    assert {path: v for path, v in found.items() if v} == {}
    # The scripts did run: the live page's socket filled the rooms, the agenda offers the
    # viewer's time zone.
    page.goto(f"{live_server.url}/events/seminar/live/")
    page.wait_for_selector(".live-room")


def test_an_inline_script_slipped_into_a_page_is_refused(page, live_server, seminar):
    page.add_init_script(WATCH)
    page.goto(f"{live_server.url}/events/seminar/")

    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )

    assert page.evaluate("window.__ran === true") is False
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
