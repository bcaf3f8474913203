"""The back office's base for rows that belong to one event."""

from django.contrib import admin
from django.db.models import QuerySet

from confman.core.content import ContentField, content_locales


class ContentAdminMixin:
    """Content in several languages (confman.core.content) edited side by side, one input per
    language of the event being edited (every site language for a shared row or a new one)."""

    def content_languages(self, obj) -> list[str]:
        if obj is None:
            return content_locales(None)
        event = obj if not hasattr(obj, "event_id") else getattr(obj, "event", None)
        return content_locales(getattr(event, "languages", None))

    def get_form(self, request, obj=None, change=False, **kwargs):
        request.content_languages = self.content_languages(obj)
        return super().get_form(request, obj, change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):  # inlines: obj is the parent row
        request.content_languages = self.content_languages(obj)
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ContentField):
            kwargs.pop("widget", None)
            languages = getattr(request, "content_languages", None) or content_locales(None)
            return db_field.formfield(locales=languages, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class EventListFilter(admin.RelatedFieldListFilter):
    """A list's "By event" filter, offering only the events whose rows the user may see (the
    model admin's `visible_events`), never the site's others, drafts of other teams included."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = model_admin.visible_events(request.user).values("pk")
        return field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to={"pk__in": visible}
        )


def scoped_list_filter(list_filter) -> list:
    """`list_filter` with its "event" filter scoped (EventListFilter)."""
    return [("event", EventListFilter) if name == "event" else name for name in list_filter]


class EventScopedAdmin(ContentAdminMixin, admin.ModelAdmin):
    """Rows that belong to an event (their `event` field): listed for the events the user may
    see, and offered, changed and deleted only in the events they manage. Who may see and manage
    an event is the events app's to say: a subclass gives `visible_events`, `managed_events` and
    `manages` (events.admin.ActionScopedAdmin does, from a permission action each)."""

    def visible_events(self, user) -> QuerySet:
        raise NotImplementedError

    def managed_events(self, user) -> QuerySet:
        raise NotImplementedError

    def manages(self, user, event) -> bool:
        raise NotImplementedError

    def get_queryset(self, request):
        return super().get_queryset(request).filter(event__in=self.visible_events(request.user))

    def get_list_filter(self, request):
        return scoped_list_filter(super().get_list_filter(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event":
            kwargs["queryset"] = self.managed_events(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may_change(self, request, obj) -> bool:
        return obj is None or self.manages(request.user, obj.event)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)
