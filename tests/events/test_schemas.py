"""The API's names of the attendance modes are the model's."""

from typing import get_args

from events.models import PERSON_MODES, AttendanceMode
from events.schemas import AttendanceModeName, PersonModeName
from registrations.models import TicketModes


def test_the_api_names_the_attendance_modes_as_the_model_does():
    assert list(get_args(AttendanceModeName)) == AttendanceMode.values
    assert list(get_args(PersonModeName)) == [mode.value for mode in PERSON_MODES]


def test_a_tickets_modes_are_the_person_modes_or_either():
    assert TicketModes.values == [*(mode.value for mode in PERSON_MODES), "either"]
    assert [TicketModes.IN_PERSON.label, TicketModes.ONLINE.label] == [
        mode.label for mode in PERSON_MODES
    ]
