"""Tasks queued before the registrations package was split still run after it."""

import importlib

import pytest
from django.apps import apps
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from registrations.services.waitlist import expire_when_due

pytestmark = pytest.mark.django_db

moved = importlib.import_module("registrations.migrations.0009_task_paths_after_the_move")


def test_queued_tasks_follow_their_function_to_its_new_module():
    expire_when_due.enqueue(1, "offered")
    queued = DBTaskResult.objects.get()
    DBTaskResult.objects.update(task_path="registrations.services.expire_when_due")

    moved.forwards(apps, None)

    queued.refresh_from_db()
    assert queued.task_path == "registrations.services.waitlist.expire_when_due"
    assert import_string(queued.task_path) is expire_when_due
    for new in moved.MOVED.values():
        import_string(new)  # every new path is a real task
