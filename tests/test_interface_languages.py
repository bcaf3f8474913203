"""Every main page, in each of the five translated languages, shows no English interface string
from the catalog: what a visitor reads (text, labels, alt, title, placeholder) is translated."""

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone

from events.models import TeamMember
from registrations import links
from registrations.models import State
from sessions.models import RoleKind
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.factories.registrations import RegistrationFactory, TicketTypeFactory
from tests.factories.sessions import PersonFactory, SessionFactory, SessionRoleFactory

LANGUAGES = {"zh-hans": "zh_Hans", "ru": "ru", "fr": "fr", "es": "es", "ar": "ar"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
SHOWN_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "value"}


def english_strings(code: str) -> set[str]:
    """Interface strings long enough not to be mistaken for content, whose translation differs
    from the English."""
    path = Path(settings.BASE_DIR) / "locale" / code / "LC_MESSAGES" / "django.po"
    found = set()
    for entry in polib.pofile(str(path)):
        for english, translated in [(entry.msgid, entry.msgstr)] + (
            [(entry.msgid_plural, entry.msgstr_plural.get(1, ""))] if entry.msgid_plural else []
        ):
            # The fixed text between placeholders: "%(count)s seats left" -> "seats left"
            for piece in PLACEHOLDER.split(english):
                piece = re.sub(r"<[^>]+>", " ", piece).strip(" .,:;()–-")
                if len(piece) >= 14 and piece not in translated:
                    found.add(piece)
    return found


class ShownText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def shown_text(html: str) -> str:
    parser = ShownText()
    parser.feed(html)
    return re.sub(r"\s+", " ", unescape(" ".join(parser.parts)))


@pytest.fixture
def world(db):
    today = timezone.localdate()
    event = EventFactory(
        slug="seminar",
        title="Regional Seminar",
        timezone="Asia/Shanghai",
        start_date=today,
        end_date=today + dt.timedelta(days=1),
    )
    organiser = TeamMemberFactory(
        event=event, role=TeamMember.Role.OWNER, user=UserFactory(username="org")
    ).user
    desk = TeamMemberFactory(
        event=event, role=TeamMember.Role.CHECKIN, user=UserFactory(username="desk")
    ).user
    chair = UserFactory(username="chair")
    session = SessionFactory(event=event, title="Opening")
    SessionRoleFactory(
        session=session, role=RoleKind.CHAIR, person=PersonFactory(event=event, user=chair)
    )
    programme_publish(event=event, by=None)
    ticket = TicketTypeFactory(event=event, name="Delegate", modes="either")
    registration = RegistrationFactory(
        ticket=ticket, state=State.CONFIRMED, badge_secret="b" * 32, name="Amina Yusuf"
    )
    return {
        "session": session,
        "token": links.magic_token(registration),
        "users": {"organiser": organiser, "desk": desk, "chair": chair},
    }


PAGES = [
    ("home", None, "get", ""),
    ("event", None, "get", "events/seminar/"),
    ("agenda", None, "get", "events/seminar/agenda/"),
    ("session", None, "get", "events/seminar/sessions/{session}/"),
    ("register with errors", None, "post", "events/seminar/register/"),  # 422
    ("private registration page", None, "get", "events/seminar/registration/{token}/"),
    ("live", None, "get", "events/seminar/live/"),
    ("check-in desk", "desk", "get", "events/seminar/checkin/"),
    ("agenda builder", "organiser", "get", "events/seminar/manage/agenda/"),
    ("registrations list", "organiser", "get", "events/seminar/manage/registrations/"),
    ("chair console", "chair", "get", "events/seminar/chair/"),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_pages_leave_no_english_interface_string(client, world, language):
    english = english_strings(LANGUAGES[language])
    left = {}
    for name, user, method, path in PAGES:
        client.logout()
        if user:
            client.force_login(world["users"][user])
        url = f"/{language}/" + path.format(session=world["session"].pk, token=world["token"])
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == (422 if method == "post" else 200), name
        html = response.content.decode()
        assert f'<html lang="{language}"' in html, name
        text = shown_text(html)
        found = sorted(s for s in english if s in text)
        if found:
            left[name] = found
    assert left == {}


def test_the_check_sees_the_english_of_an_english_page(client, world):
    english = english_strings("ru")
    client.force_login(world["users"]["organiser"])

    text = shown_text(client.get("/events/seminar/manage/registrations/").content.decode())

    assert len([s for s in english if s in text]) >= 10
