from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from registrations.notices.rounds import on_update_logged
        from sessions.signals import update_logged

        # A change to the public programme sets a round of change notices.
        update_logged.connect(on_update_logged, dispatch_uid="registrations.notices")
