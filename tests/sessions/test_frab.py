"""The Frab schedule exports: valid against the c3voc XSD (lxml, and xmllint when installed) and
JSON schema (jsonschema), with stable guids, days cut at midnight in the event's zone, and a
version that follows the programme."""

import datetime as dt
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import jsonschema
import pytest
from django.test import override_settings
from lxml import etree

from events.models import Room
from sessions import frab
from sessions.models import RoleKind
from sessions.services.sessions import session_cancel, session_move, session_update
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TrackFactory,
    at,
)
from tests.helpers import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
XSD = FIXTURES / "frab-schedule.xml.xsd"
XML = "/events/seminar/schedule.xml"
JSON = "/events/seminar/schedule.json"


@pytest.fixture(scope="module")
def xml_schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((FIXTURES / "frab-schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker())


def xml_of(client, url=XML, xml_schema=None):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = etree.fromstring(response.content)
    if xml_schema is not None:
        assert xml_schema.validate(document), xml_schema.error_log
    return document


def json_of(client, url=JSON, validator=None):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    document = response.json()
    if validator is not None:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []
    return document


@pytest.fixture
def programme(event):
    """Two days of sessions: tracks, a virtual room, people, awkward titles, a session without a
    room, a cancelled one and a draft."""
    policy = TrackFactory(event=event, name="Policy & Practice", colour="#2da44e")
    TrackFactory(event=event, name="2030 Agenda")  # a slug that would start with a digit
    hall = RoomFactory(event=event, name="Hall A", order=1)
    online = Room.objects.create(event=event, name="Online studio", kind="virtual", order=2)
    opening = SessionFactory(
        event=event,
        title="开幕式 Opening <ceremony> & welcome\x0b",
        kind="opening",
        track=policy,
        room=hall,
        abstract="Welcome & introductions.",
        language="zh-hans",
    )
    SessionRoleFactory(
        session=opening,
        person=PersonFactory(event=event, honorific="H.E.", name="Chen Jing", bio="Minister."),
        role=RoleKind.CHAIR,
    )
    SessionRoleFactory(session=opening, person=PersonFactory(event=event, name="Amina Diallo"))
    webinar = SessionFactory(
        event=event,
        title="AI",
        room=online,
        attendance="online",
        start=at(event, 1, "09:00"),
        end=at(event, 1, "10:30"),
    )
    unplaced = SessionFactory(
        event=event,
        title="Side meeting",
        room=None,
        start=at(event, 1, "12:00"),
        end=at(event, 1, "13:00"),
    )
    cancelled = SessionFactory(
        event=event,
        title="Dropped panel",
        room=hall,
        start=at(event, 1, "15:00"),
        end=at(event, 1, "16:00"),
    )
    publish(event)
    session_cancel(session=cancelled, by=None)
    SessionFactory(event=event, title="Secret draft", room=hall, status="draft")
    return {"opening": opening, "webinar": webinar, "unplaced": unplaced, "cancelled": cancelled}


def test_schedule_xml_validates_against_the_xsd(client, xml_schema, event, programme):
    document = xml_of(client, xml_schema=xml_schema)

    assert document.findtext("version") == str(event.programme.last_sequence)
    assert document.findtext("conference/acronym") == "seminar"
    assert document.findtext("conference/time_zone_name") == "Asia/Shanghai"
    assert document.findtext("conference/days") == "2"
    tracks = {t.get("name"): t.get("slug") for t in document.iterfind("conference/track")}
    assert tracks == {"Policy & Practice": "policy-practice", "2030 Agenda": tracks["2030 Agenda"]}
    assert tracks["2030 Agenda"].startswith("track-")
    days = document.findall("day")
    assert [d.get("index") for d in days] == ["1", "2"]
    assert [d.get("date") for d in days] == [d.isoformat() for d in event.days]
    assert days[0].get("start") == f"{event.start_date.isoformat()}T00:00:00+08:00"
    opening = document.find(f"day/room/event[@id='{programme['opening'].pk}']")
    assert opening.getparent().get("name") == "Hall A"
    assert opening.findtext("title") == "开幕式 Opening <ceremony> & welcome"
    assert opening.findtext("date") == at(event, 0, "10:00").isoformat()
    assert (opening.findtext("start"), opening.findtext("duration")) == ("10:00", "01:00")
    assert opening.findtext("track") == "Policy & Practice"
    assert opening.findtext("type") == "Opening ceremony"
    assert opening.findtext("language") == "zh-hans"
    assert opening.findtext("url").endswith(f"/events/seminar/sessions/{programme['opening'].pk}/")
    assert [p.text for p in opening.iterfind("persons/person")] == [
        "H.E. Chen Jing",
        "Amina Diallo",
    ]
    assert all(uuid.UUID(p.get("guid")) for p in opening.iterfind("persons/person"))
    unplaced = document.find(f"day/room/event[@id='{programme['unplaced'].pk}']")
    assert unplaced.getparent().get("name") == "Room to be announced"
    text = etree.tostring(document, encoding="unicode")
    assert "Dropped panel" not in text and "Secret draft" not in text


XMLLINT = shutil.which("xmllint")


@pytest.mark.skipif(XMLLINT is None, reason="xmllint (libxml2-utils) not installed")
def test_schedule_xml_passes_xmllint(client, tmp_path, programme):
    path = tmp_path / "schedule.xml"
    path.write_bytes(client.get(XML).content)

    result = subprocess.run(  # noqa: S603 (our own file and schema)
        [XMLLINT, "--noout", "--schema", str(XSD), str(path)], capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "validates" in result.stderr


def test_schedule_json_validates_against_the_schema(client, json_validator, event, programme):
    document = json_of(client, validator=json_validator)

    assert document["$schema"] == "https://c3voc.de/schedule/schema.json"
    schedule = document["schedule"]
    assert schedule["version"] == str(event.programme.last_sequence)
    conference = schedule["conference"]
    assert (conference["acronym"], conference["daysCount"]) == ("seminar", 2)
    assert [r["name"] for r in conference["rooms"]] == ["Hall A", "Online studio"]
    assert conference["rooms"][1]["type"] == "online"
    day = conference["days"][1]
    assert list(day["rooms"]) == ["Hall A", "Online studio", "Room to be announced"]
    (webinar,) = day["rooms"]["Online studio"]
    assert webinar["id"] == programme["webinar"].pk
    assert webinar["guid"] == frab.guid("session", programme["webinar"].pk)
    assert (webinar["start"], webinar["duration"]) == ("09:00", "01:30")
    assert webinar["end"] == at(event, 1, "10:30").isoformat()
    (opening,) = conference["days"][0]["rooms"]["Hall A"]
    assert [p["name"] for p in opening["persons"]] == ["H.E. Chen Jing", "Amina Diallo"]
    assert "biography" not in opening["persons"][0]
    assert "Dropped panel" not in json.dumps(document)


def test_short_slug_still_makes_a_valid_acronym(client, xml_schema, json_validator):
    event = EventFactory(slug="ab")
    SessionFactory(event=event, title="x")
    publish(event)

    document = xml_of(client, "/events/ab/schedule.xml", xml_schema)
    json_of(client, "/events/ab/schedule.json", json_validator)

    assert document.findtext("conference/acronym") == "ab__"
    assert document.findtext("day/room/event/slug").endswith("-session")


def test_guids_stay_through_a_move_and_differ_between_sites(client, event, programme):
    opening = programme["opening"]
    before = json_of(client)["schedule"]["conference"]["days"][0]["rooms"]["Hall A"][0]["guid"]

    session_move(session=opening, by=None, start=at(event, 1, "16:00"))

    days = json_of(client)["schedule"]["conference"]["days"]
    (moved,) = [e for e in days[1]["rooms"]["Hall A"] if e["id"] == opening.pk]
    assert moved["guid"] == before == str(uuid.uuid5(frab.namespace(), f"session:{opening.pk}"))
    with override_settings(SITE_URL="https://conf.example.org"):
        assert frab.guid("session", opening.pk) != before


def test_version_follows_the_programme(client, event, programme):
    before = xml_of(client).findtext("version")

    session_update(session=programme["webinar"], by=None, title="AI in universities")

    after = xml_of(client)
    assert int(after.findtext("version")) > int(before)
    assert "AI in universities" in etree.tostring(after, encoding="unicode")


def test_days_follow_the_event_zone_across_dst(client, xml_schema, json_validator):
    event = EventFactory(
        slug="berlin",
        timezone="Europe/Berlin",
        start_date=dt.date(2026, 10, 24),
        end_date=dt.date(2026, 10, 25),
    )
    # 00:30 on Sunday in Berlin is still Saturday in UTC.
    late = SessionFactory(event=event, start=at(event, 1, "00:30"), end=at(event, 1, "01:30"))
    outside = SessionFactory(event=event, start=at(event, 3, "10:00"), end=at(event, 3, "11:00"))
    publish(event)

    document = xml_of(client, "/events/berlin/schedule.xml", xml_schema)
    json_of(client, "/events/berlin/schedule.json", json_validator)

    days = document.findall("day")
    assert [(d.get("date"), d.get("start"), d.get("end")) for d in days] == [
        ("2026-10-24", "2026-10-24T00:00:00+02:00", "2026-10-25T00:00:00+02:00"),
        ("2026-10-25", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"),
        ("2026-10-27", "2026-10-27T00:00:00+01:00", "2026-10-28T00:00:00+01:00"),
    ]
    assert (
        days[1].find(f"room/event[@id='{late.pk}']").findtext("date") == "2026-10-25T00:30:00+02:00"
    )
    assert days[2].find(f"room/event[@id='{outside.pk}']") is not None


def test_schedule_of_an_unknown_event_is_404(client):
    assert client.get("/events/nowhere/schedule.json").status_code == 404


@pytest.mark.django_db
def test_the_frab_schedule_is_in_the_events_first_language_whoever_asks(client):
    event = EventFactory(
        slug="bilingual", languages=["zh-hans", "en"], title={"zh-hans": "研讨会", "en": "Seminar"}
    )
    SessionFactory(event=event, title={"zh-hans": "开幕式", "en": "Opening ceremony"})
    publish(event)

    xml = client.get("/events/bilingual/schedule.xml", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    json_ = client.get("/fr/events/bilingual/schedule.json").content.decode()

    assert "开幕式" in xml and "Opening ceremony" not in xml
    assert "研讨会" in xml
    assert "开幕式" in json_
