"""Tasks queued before registrations/ was split into sub-packages name their function by its old
path; the worker imports the path, so point them at the function's new home. No schema change."""

from django.db import migrations

MOVED = {
    "registrations.services.expire_when_due": "registrations.services.waitlist.expire_when_due",
    "registrations.badge_runs.badge_print_run_render": (
        "registrations.badges.print_runs.badge_print_run_render"
    ),
}


def forwards(apps, schema_editor):
    tasks = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        tasks.objects.filter(task_path=old).update(task_path=new)


def backwards(apps, schema_editor):
    tasks = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in MOVED.items():
        tasks.objects.filter(task_path=new).update(task_path=old)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0008_badge_print_runs"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
