from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = _("Live")

    def ready(self):
        from events.signals import event_changed
        from livestream.broadcast import on_event_changed, on_update_logged
        from sessions.signals import update_logged

        event_changed.connect(on_event_changed, dispatch_uid="livestream.event_changed")
        update_logged.connect(on_update_logged, dispatch_uid="livestream.update_logged")

        from livestream.calendar import stream_lines
        from sessions import ical

        if stream_lines not in ical.PERSONAL_LINE_SOURCES:
            ical.PERSONAL_LINE_SOURCES.append(stream_lines)
