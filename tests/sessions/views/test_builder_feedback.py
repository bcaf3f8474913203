"""What the builder says about a move: a refused move reads "Not saved:" once (the server's
answer to a clash already begins with it, and builder.js does not add it again); and what the
page holds for a phone: each session's room, and instructions for tapping as well as dragging."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import SessionFactory, at
from tests.helpers import page
from tests.sessions.views.helpers import BUILDER, edit_url

pytestmark = pytest.mark.django_db

BUILDER_JS = Path(settings.BASE_DIR) / "sessions" / "static" / "sessions" / "builder.js"


@pytest.fixture
def clash(event, hall, annex):
    """A keynote in Hall A and a workshop in the Annex at the same time."""
    SessionFactory(event=event, room=hall, title="Keynote", start=at(event, 0, "10:00"))
    return SessionFactory(event=event, room=annex, title="Workshop", start=at(event, 0, "10:00"))


def refused_move(client, organiser, bearer, clash, hall):
    return client.post(
        f"/api/events/seminar/sessions/{clash.pk}/move",
        json.dumps({"room_id": hall.pk}),
        content_type="application/json",
        headers=bearer(organiser),
    )


def test_a_refused_moves_answer_says_not_saved_once(client, organiser, bearer, clash, hall):
    response = refused_move(client, organiser, bearer, clash, hall)

    assert response.status_code == 409
    answer = response.json()
    assert answer["code"] == "schedule_conflict"
    assert answer["detail"].startswith("Not saved: ")
    assert answer["detail"].count("Not saved") == 1


def builder_refusal(result: dict) -> str:
    """builder.js's own refusal(), run by Node.js with gettext as the English catalog has it."""
    source = BUILDER_JS.read_text()
    function = re.search(r"\n  function refusal\(result\) \{.*?\n  \}\n", source, re.S)
    assert function, "builder.js has no refusal(result)"
    script = (
        "var gettext = function (text) { return text; };\n"
        + function.group(0)
        + f"\nprocess.stdout.write(refusal({json.dumps(result)}));\n"
    )
    done = subprocess.run(  # noqa: S603 (our own script, run by the machine's Node.js)
        [shutil.which("node") or shutil.which("nodejs"), "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return done.stdout


@pytest.mark.skipif(not (shutil.which("node") or shutil.which("nodejs")), reason="no Node.js")
def test_builder_shows_a_refused_moves_answer_with_one_prefix(
    client, organiser, bearer, clash, hall
):
    answer = refused_move(client, organiser, bearer, clash, hall).json()

    shown = builder_refusal({"status": 409, "json": answer})
    other = builder_refusal({"status": 403, "json": {"detail": "You may not.", "code": "denied"}})

    assert shown == answer["detail"]
    assert shown.count("Not saved:") == 1
    assert other == "Not saved: You may not."


def test_builder_items_name_their_room_for_the_list_of_a_phone(
    client, event, hall, organiser, clash
):
    unplaced_room = SessionFactory(event=event, room=None, title="Roaming", start=clash.start)
    client.force_login(organiser)

    html = page(client.get(BUILDER))

    item = re.search(rf'data-session="{clash.pk}".*?</li>', html, re.S).group(0)
    assert '<span class="agenda-item__room"><bdi>Annex B</bdi></span>' in item
    roaming = re.search(rf'data-session="{unplaced_room.pk}".*?</li>', html, re.S).group(0)
    assert '<span class="agenda-item__room">No room</span>' in roaming
    assert f'href="{edit_url(clash)}"' in item  # a tap opens its page, with the form


def test_builder_holds_instructions_for_dragging_and_for_tapping(client, event, organiser):
    client.force_login(organiser)

    html = page(client.get(BUILDER))

    help_ = re.search(r'<div class="builder-help muted" id="builder-help">.*?</div>', html, re.S)
    assert help_
    assert 'class="builder-help__desk"' in help_.group(0)
    assert "Alt + arrow keys" in help_.group(0)
    assert 'class="builder-help__touch"' in help_.group(0)
    assert "Tap a session to change its time, room or people" in help_.group(0)
    assert 'aria-describedby="builder-help"' in html
    assert "sessions/builder.css" in html
