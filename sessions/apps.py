from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgendaConfig(AppConfig):
    """The agenda: sessions, people, chairs. Its label is "agenda" so that it does not clash
    with django.contrib.sessions."""

    name = "sessions"
    label = "agenda"
    verbose_name = _("Agenda")
