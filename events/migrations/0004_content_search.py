"""icontains on content fields searches the texts, not their JSON (confman.core.content:
ContentIContains); on PostgreSQL it reads them with a function."""

from django.db import migrations

from confman.core.content import POSTGRESQL_CONTENT_TEXTS


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CONTENT_TEXTS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS confman_content_texts(text)")


class Migration(migrations.Migration):
    dependencies = [("events", "0003_content_in_several_languages")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
