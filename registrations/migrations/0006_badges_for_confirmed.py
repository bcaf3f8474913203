import secrets

from django.db import migrations


def give_badges(apps, schema_editor):
    """Registrations confirmed before badge codes existed get one now."""
    Registration = apps.get_model("registrations", "Registration")
    for registration in Registration.objects.filter(state="confirmed", badge_secret=None):
        registration.badge_secret = secrets.token_urlsafe(24)
        registration.save(update_fields=["badge_secret"])


class Migration(migrations.Migration):
    dependencies = [("registrations", "0005_scan_not_in_person")]

    operations = [migrations.RunPython(give_badges, migrations.RunPython.noop)]
