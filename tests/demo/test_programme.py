"""The demo conference's programme: what a newcomer sees on `make run`."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from confman.demo import programme_data as demo_programme
from confman.demo.event_data import DEMO_SLUG
from confman.demo.events import seed_demo_event, seed_scale_event
from sessions.conflicts import event_conflicts
from sessions.models import Person, Session, SessionRole, SessionUpdate
from sessions.permissions import chaired_sessions

pytestmark = pytest.mark.django_db


def test_demo_programme_is_published_complete_and_free_of_conflicts():
    event, _ = seed_demo_event()

    sessions = Session.objects.filter(event=event)
    assert sessions.count() == len(demo_programme.SESSIONS)
    assert event_conflicts(event) == []
    kinds = set(sessions.values_list("kind", flat=True))
    assert {"opening", "keynote", "roundtable", "launch", "closing"} <= kinds
    assert not sessions.filter(status="draft").exists()
    # The update log starts with the publication, as the acceptance walk-through expects.
    first = SessionUpdate.objects.filter(event=event).order_by("sequence").first()
    assert (first.sequence, first.kind) == (1, "programme_published")


def test_opening_is_moderated_by_a_professor_who_can_log_in():
    event, _ = seed_demo_event()

    opening = Session.objects.get(event=event, kind="opening")
    moderator = opening.roles.get(role="moderator").person
    assert moderator.honorific == "Prof."
    assert moderator.user is not None and moderator.user.username == "chair"
    assert chaired_sessions(moderator.user, event).count() >= 4


def test_roundtable_brings_representatives_of_four_countries():
    event, _ = seed_demo_event()

    roundtable = Session.objects.get(event=event, kind="roundtable")
    assert roundtable.roles.filter(role="facilitator").exists()
    countries = set(
        roundtable.roles.filter(role="panellist").values_list("person__country", flat=True)
    )
    assert len(countries) == 4


def test_prepare_demo_gives_the_chairs_the_demo_password(settings):
    call_command("prepare_demo", stdout=StringIO())
    password = (settings.VAR_DIR / "demo-password").read_text().strip()

    chair = get_user_model().objects.get(username="chair")
    assert chair.check_password(password)
    assert not chair.is_staff  # a chair is not a back-office user
    assert Person.objects.get(user=chair).event.slug == DEMO_SLUG


def test_prepare_demo_adds_the_programme_to_a_demo_event_from_before_the_agenda():
    event, _ = seed_demo_event()
    SessionUpdate.objects.filter(event=event).delete()
    SessionRole.objects.filter(session__event=event).delete()
    Session.objects.filter(event=event).delete()
    Person.objects.filter(event=event).delete()

    call_command("prepare_demo", stdout=StringIO())

    assert Session.objects.filter(event=event).count() == len(demo_programme.SESSIONS)


def test_scale_event_has_600_sessions_in_20_rooms_without_conflicts():
    event, _, _ = seed_scale_event(1)

    assert Session.objects.filter(event=event).count() == 600
    assert Session.objects.filter(event=event).values("room").distinct().count() == 20
    assert event_conflicts(event) == []
