"""Streams in the back office: per room, or per session (which then replaces its room's).
Saving and deleting go through the services, so each change reaches the live audience as a
numbered update. Organisers see only the events whose agenda they manage."""

from django.contrib import admin, messages

from confman.core.exceptions import DomainError
from events.models import Room
from events.permissions import Action, events_for
from livestream import services
from livestream.models import Stream
from sessions.admin import AgendaScoped
from sessions.models import Session


@admin.register(Stream)
class StreamAdmin(AgendaScoped):
    list_display = ["__str__", "provider", "language", "public", "event"]
    list_filter = ["event", "provider", "public"]
    list_select_related = ["event", "room", "session"]
    search_fields = ["room__name", "session__title", "url"]
    fields = [
        "event",
        "room",
        "session",
        "provider",
        "url",
        "embed_url",
        "passcode",
        "language",
        "public",
        "order",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("room", "session"):
            managed = events_for(request.user, Action.MANAGE_AGENDA)
            model = Room if db_field.name == "room" else Session
            kwargs["queryset"] = model.objects.filter(event__in=managed).select_related("event")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            services.stream_save(stream=obj, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            raise

    def delete_model(self, request, obj):
        services.stream_delete(stream=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for stream in queryset:
            services.stream_delete(stream=stream, by=request.user)
