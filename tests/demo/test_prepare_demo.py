"""`manage.py prepare_demo`, which `make run` runs before serving."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from confman.demo.event_data import DEMO_SLUG
from events.models import Event, TeamMember

pytestmark = pytest.mark.django_db


def test_prepare_demo_seeds_and_creates_logins_once(settings):
    out = StringIO()

    call_command("prepare_demo", "--url", "http://127.0.0.1:8001", stdout=out)
    call_command("prepare_demo", stdout=StringIO())

    event = Event.objects.get(slug=DEMO_SLUG)
    password = (settings.VAR_DIR / "demo-password").read_text().strip()
    organiser = get_user_model().objects.get(username="organiser")
    assert organiser.check_password(password)
    assert organiser.is_staff and organiser.has_perm("events.change_event")
    assert TeamMember.objects.get(event=event, user=organiser).role == "owner"
    assert TeamMember.objects.get(event=event, user__username="checkin").role == "checkin"
    assert get_user_model().objects.get(username="admin").is_superuser
    assert Event.objects.count() == 3  # the demo conference and its two companions
    text = out.getvalue()
    assert "http://127.0.0.1:8001/api/docs" in text
    assert f"organiser / {password}" in text


def test_prepare_demo_leaves_an_existing_database_alone(event):
    call_command("prepare_demo", stdout=StringIO())

    assert list(Event.objects.values_list("slug", flat=True)) == ["seminar"]


def test_demo_organiser_can_use_the_back_office(client, settings):
    call_command("prepare_demo", stdout=StringIO())
    password = (settings.VAR_DIR / "demo-password").read_text().strip()

    client.post("/admin/login/", {"username": "organiser", "password": password, "next": "/admin/"})
    index = client.get("/admin/events/event/")

    assert index.status_code == 200
    assert "Regional Consultation" in index.content.decode()
