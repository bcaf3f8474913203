"""The acceptance walk-through on the demo conference: its calendar reads cleanly in two
parsers; after its chair reports a delay and an organiser moves a session, the feed shows the
same UIDs with higher SEQUENCEs and the new times; its schedule.xml passes the XSD."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from confman.demo.events import seed_demo_event
from sessions import ical
from sessions.models import Session, SessionStatus
from sessions.permissions import chaired_sessions
from sessions.services.sessions import session_move
from tests.factories import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

XSD = Path(__file__).resolve().parent.parent / "fixtures" / "frab-schedule.xml.xsd"
XMLLINT = shutil.which("xmllint")


@pytest.fixture
def demo(db):
    event, _ = seed_demo_event()
    return event


def test_demo_calendar_follows_the_chair_and_the_organisers(client, read_ics, demo):
    url = f"/events/{demo.slug}/calendar.ics"
    before = read_ics(client.get(url))
    public = Session.objects.public().filter(event=demo)
    assert set(before.events) == {ical.session_uid(s) for s in public}
    assert set(before.other_events) == set(before.events)
    chair = get_user_model().objects.get(username="chair")
    delayed = chaired_sessions(chair, demo).filter(status=SessionStatus.SCHEDULED).first()
    moved = public.filter(status=SessionStatus.SCHEDULED).exclude(pk=delayed.pk).last()

    client.force_login(chair)
    answer = client.post(
        f"/events/{demo.slug}/chair/sessions/{delayed.pk}/delay/", {"minutes": "10"}
    )
    client.logout()
    session_move(session=moved, by=None, start=at(demo, 1, "21:00"), override=True)

    after = read_ics(client.get(url))
    assert answer.status_code == 302
    for session, start in (
        (delayed, delayed.start + dt.timedelta(minutes=10)),
        (moved, at(demo, 1, "21:00")),
    ):
        uid = ical.session_uid(session)
        old, new = before.events[uid], after.events[uid]
        assert new["SEQUENCE"] > old["SEQUENCE"]
        assert new.start == start != old.start
        other = after.other_events[uid]
        assert int(other.sequence.value) == new["SEQUENCE"]
        assert other.dtstart.value == start


@pytest.mark.skipif(XMLLINT is None, reason="xmllint (libxml2-utils) not installed")
def test_demo_schedule_xml_passes_xmllint(client, tmp_path, demo):
    path = tmp_path / "schedule.xml"
    path.write_bytes(client.get(f"/events/{demo.slug}/schedule.xml").content)

    result = subprocess.run(  # noqa: S603 (our own file and schema)
        [XMLLINT, "--noout", "--schema", str(XSD), str(path)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
