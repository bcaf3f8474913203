"""Registrations' search text: their name, email and reference folded (accents and case left
aside), filled here for the registrations there are."""

import unicodedata

from django.db import migrations, models

# registrations.models.search_text_of as it was when this migration was written (a migration
# keeps its own copy, so that changing the model's later does not change what this one did).
FOLDS = str.maketrans(
    {"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŧ": "t"}
    | {"þ": "th", "æ": "ae", "œ": "oe", "ς": "σ"}
)


def search_text_of(*values: str) -> str:
    def fold(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
        return bare.lower().translate(FOLDS)

    return " ".join(fold(value) for value in values if value)

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
