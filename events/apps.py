from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_ensure_groups, sender=self, dispatch_uid="events.groups")


def _ensure_groups(sender, **kwargs):
    # After the permissions themselves, which auth creates in its own post_migrate handler.
    from events.services import organisers_group_ensure

    organisers_group_ensure()
