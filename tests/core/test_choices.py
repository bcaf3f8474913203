"""label_of gives what Django's get_<field>_display() gives, faster."""

import pytest
from django.utils import translation

from confman.core.choices import label_of
from events.models import AttendanceMode
from sessions.models import Session, SessionKind, SessionRole, SessionStatus
from sessions.models.people import RoleKind

LANGUAGES = ["en", "zh-hans", "ru", "fr", "es", "ar"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_labels_are_djangos_in_every_language(language):
    with translation.override(language):
        for kind in SessionKind.values:
            for attendance in AttendanceMode.values:
                for status in SessionStatus.values:
                    session = Session(kind=kind, attendance=attendance, status=status)
                    assert session.kind_label == session.get_kind_display()
                    assert session.attendance_label == session.get_attendance_display()
                    assert session.status_label == session.get_status_display()
        for role in RoleKind.values:
            assert SessionRole(role=role).role_label == SessionRole(role=role).get_role_display()


def test_a_label_follows_the_active_language():
    with translation.override("en"):
        english = label_of(SessionKind, "keynote")
    with translation.override("ru"):
        russian = label_of(SessionKind, "keynote")
    assert english == "Keynote"
    assert russian != english


def test_a_value_outside_the_choices_is_shown_as_it_is_like_django():
    session = Session(kind="unheard-of")
    assert session.kind_label == session.get_kind_display() == "unheard-of"
