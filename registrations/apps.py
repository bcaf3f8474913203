from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from registrations.models import WebhookEndpoint
        from registrations.notices import reminders
        from registrations.notices.rounds import on_update_logged
        from registrations.webhooks import events as webhooks
        from registrations.webhooks.subscriptions import on_endpoint_saved
        from sessions.models import Bookmark
        from sessions.signals import update_logged

        # A change to the public programme sets a round of change notices, and a session's new
        # start its "starting soon" reminder, as does a session kept on someone's agenda.
        update_logged.connect(on_update_logged, dispatch_uid="registrations.notices")
        update_logged.connect(reminders.on_update_logged, dispatch_uid="registrations.reminders")
        post_save.connect(
            reminders.on_bookmark_saved, sender=Bookmark, dispatch_uid="registrations.reminders"
        )
        # The integrators' webhooks: session.changed and announcement.created.
        update_logged.connect(webhooks.on_update_logged, dispatch_uid="registrations.webhooks")
        # What the endpoints want is remembered per process: any write of one forgets it.
        for written in (post_save, post_delete):
            written.connect(
                on_endpoint_saved, sender=WebhookEndpoint, dispatch_uid="registrations.webhooks"
            )
