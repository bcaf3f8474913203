from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from confman.core.auth import user_for_token
from events.demo_data import DEMO_SLUG
from events.models import ApiToken, Event, TeamMember
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_working_token():
    user = UserFactory(username="wang")
    out = StringIO()

    call_command(
        "create_api_token",
        "wang",
        "--name",
        "scanner",
        "--days",
        "30",
        stdout=out,
        stderr=StringIO(),
    )

    plaintext = out.getvalue().strip()
    assert plaintext.startswith("cm_")
    assert user_for_token(plaintext) == user
    assert ApiToken.objects.get().expires_at is not None


def test_create_api_token_for_unknown_user_says_so():
    with pytest.raises(CommandError, match="no user 'ghost'"):
        call_command("create_api_token", "ghost")


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
