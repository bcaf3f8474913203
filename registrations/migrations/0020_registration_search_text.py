"""Registrations' search text: their name, email and reference folded (accents and case left
aside), filled here for the registrations there are."""

from django.db import migrations, models

from registrations.models.registrations import search_text_of

BATCH = 500


def fill(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    last = 0
    while batch := list(
        Registration.objects.filter(pk__gt=last)
        .only("name", "email", "reference")
        .order_by("pk")[:BATCH]
    ):
        for registration in batch:
            registration.search_text = search_text_of(
                registration.name, registration.email, registration.reference
            )
        Registration.objects.bulk_update(batch, ["search_text"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0019_webhooks"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
