"""Helpers of the export tests: read a calendar with two independent parsers (icalendar and
vobject), and a clean cache for each test."""

import icalendar
import pytest
import vobject
from django.core.cache import cache


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


class Parsed:
    """One .ics read twice: by icalendar (the library that wrote it) and by vobject."""

    def __init__(self, content: bytes):
        self.raw = content.decode()
        self.calendar = icalendar.Calendar.from_ical(content)
        self.other = vobject.readOne(self.raw)

    @property
    def events(self) -> dict[str, icalendar.Event]:
        return {str(event["UID"]): event for event in self.calendar.walk("VEVENT")}

    @property
    def other_events(self) -> dict:
        return {event.uid.value: event for event in getattr(self.other, "vevent_list", [])}


@pytest.fixture
def read_ics():
    def read(response) -> Parsed:
        assert response.status_code == 200, response.content[:500]
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        return Parsed(response.content)

    return read
