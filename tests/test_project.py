from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()

    call_command("makemigrations", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()


def test_top_level_layout():
    for folder in [
        "confman",
        "events",
        "sessions",
        "registrations",
        "livestream",
        "templates",
        "tests",
        "bench",
    ]:
        assert (ROOT / folder).is_dir(), folder
    assert (ROOT / "pyproject.toml").is_file()


def test_agenda_app_label_does_not_clash_with_django_sessions():
    from django.apps import apps

    assert apps.get_app_config("agenda").name == "sessions"
    assert apps.get_app_config("sessions").name == "django.contrib.sessions"
