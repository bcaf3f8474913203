from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from django.db.models.signals import post_migrate

        # After every app's migrate, not only this one's: the group also holds the agenda's
        # permissions, which auth creates in its own post_migrate handler for that app.
        post_migrate.connect(_ensure_groups, dispatch_uid="events.groups")


def _ensure_groups(sender, **kwargs):
    from events.services import organisers_group_ensure

    organisers_group_ensure()
