"""The programme in the back office: people (edited through the services), sessions (listed,
with actions through the services; edited in the agenda builder) and the update log (read-only).
Organisers see only the events whose agenda they manage."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.urls import reverse
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from confman.core.exceptions import DomainError
from events.admin import ActionScopedAdmin
from events.permissions import Action
from events.selectors import organizations_for
from events.timezones import offset_label
from sessions.models import Person, Session, SessionStatus, SessionUpdate
from sessions.services.people import person_create, person_delete, person_update
from sessions.services.sessions import session_cancel, session_publish


class AgendaScoped(ActionScopedAdmin):
    """Rows of the events whose agenda the user manages (read: whose drafts they see)."""

    view_action = Action.VIEW_DRAFT
    manage_action = Action.MANAGE_AGENDA


@admin.register(Person)
class PersonAdmin(AgendaScoped):
    list_display = ["name", "honorific", "position", "organization", "country", "event", "user"]
    list_filter = ["event"]
    list_select_related = ["organization", "event", "user"]
    search_fields = ["name", "position", "organization__name", "email"]
    autocomplete_fields = ["organization"]
    raw_id_fields = ["user"]
    fields = [
        "event",
        "honorific",
        "name",
        "position",
        "organization",
        "country",
        "email",
        "bio",
        "user",
    ]

    def get_readonly_fields(self, request, obj=None):
        return ["event"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = organizations_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in self.fields if name != "event"}
        try:
            if change:
                person_update(person=obj, by=request.user, **fields)
            else:
                saved = person_create(event=obj.event, by=request.user, **fields)
                obj.pk = saved.pk
        except DomainError as exc:
            messages.error(request, exc.message)
            raise

    def delete_model(self, request, obj):
        person_delete(person=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            person_delete(person=person, by=request.user)


@admin.register(Session)
class SessionAdmin(AgendaScoped):
    """A list with actions; sessions are created and edited in the agenda builder, which checks
    conflicts as you go."""

    list_display = ["title", "when", "room", "kind", "status", "delay_minutes", "event"]
    list_filter = ["status", "kind", "attendance", "event"]
    list_select_related = ["room", "event", "track"]
    search_fields = ["title", "roles__person__name"]
    actions = ["publish_selected", "cancel_selected"]
    readonly_fields = ["edit_link"]
    fields = ["edit_link"]

    @admin.display(description=_("when (event time)"), ordering="start")
    def when(self, obj: Session) -> str:
        if obj.start is None:
            return gettext("not scheduled")
        local = obj.start.astimezone(obj.event.tzinfo)
        return f"{dateformat.format(local, 'D j M H:i')} ({offset_label(local)})"

    @admin.display(description=_("edit"))
    def edit_link(self, obj: Session) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("agenda:session-edit", kwargs={"slug": obj.event.slug, "pk": obj.pk}),
            gettext("Edit in the agenda builder"),
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, action, done: Callable[[int], str]):
        count = 0
        for session in queryset.select_related("event"):
            try:
                action(session)
                count += 1
            except DomainError as exc:
                messages.error(request, f"{session.title}: {exc.message}")
        if count:
            messages.success(request, done(count) % {"count": count})

    @admin.action(description=_("Publish the selected draft sessions"))
    def publish_selected(self, request, queryset):
        self._each(
            request,
            queryset.filter(status=SessionStatus.DRAFT),
            lambda s: session_publish(session=s, by=request.user),
            lambda n: ngettext("%(count)d session published.", "%(count)d sessions published.", n),
        )

    @admin.action(description=_("Cancel the selected sessions (they stay listed, marked)"))
    def cancel_selected(self, request, queryset):
        self._each(
            request,
            queryset.exclude(status__in=[SessionStatus.DRAFT, SessionStatus.CANCELLED]),
            lambda s: session_cancel(session=s, by=request.user),
            lambda n: ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", n),
        )


@admin.register(SessionUpdate)
class SessionUpdateAdmin(AgendaScoped):
    """The programme's update log, as calendars and the live page will read it."""

    list_display = ["sequence", "event", "kind", "session", "actor", "created_at"]
    list_filter = ["kind", "event"]
    list_select_related = ["event", "session", "actor"]
    ordering = ["-created_at", "-sequence"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
