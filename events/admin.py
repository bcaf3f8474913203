"""The organiser's back office. Organisers see and change only the events whose team they are
on; what they may do there is decided by events.permissions, like everywhere else."""

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from confman.exceptions import DomainError
from events import services
from events.models import (
    ApiToken,
    Event,
    EventOrganization,
    Organization,
    Room,
    TeamMember,
    Track,
    Venue,
)
from events.permissions import Action, events_for, has_event_permission
from events.signals import event_changed
from events.timezones import TIME_ZONE_CHOICES

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class EventScopedInline(admin.TabularInline):
    extra = 0
    action = Action.CHANGE

    def _allowed(self, request: HttpRequest, obj: Event | None) -> bool:
        return obj is None or has_event_permission(request.user, obj, self.action)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)


class EventOrganizationInline(EventScopedInline):
    model = EventOrganization
    autocomplete_fields = ["organization"]
    fields = ["organization", "role", "order"]


class RoomInline(EventScopedInline):
    model = Room
    fields = ["name", "kind", "capacity", "floor", "description", "order"]


class TrackInline(EventScopedInline):
    model = Track
    fields = ["name", "colour", "description", "order"]


class TeamMemberInline(EventScopedInline):
    model = TeamMember
    action = Action.MANAGE_TEAM
    autocomplete_fields = ["user"]
    fields = ["user", "role"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "acronym", "start_date", "end_date", "timezone", "format", "status"]
    list_filter = ["status", "format", "start_date"]
    search_fields = ["title", "acronym", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    date_hierarchy = "start_date"
    autocomplete_fields = ["venue"]
    formfield_overrides = HTTPS_URLS
    inlines = [RoomInline, TrackInline, EventOrganizationInline, TeamMemberInline]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "status", "description"]}),
        (
            _("When and where"),
            {"fields": ["timezone", "start_date", "end_date", "format", "venue", "languages"]},
        ),
        (_("Contact"), {"fields": ["website", "contact_email"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "timezone":
            # A list to pick from; the model's validator still checks the value.
            return forms.ChoiceField(
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                choices=[("", "---------"), *TIME_ZONE_CHOICES],
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return events_for(request.user, Action.VIEW_DRAFT).select_related("venue")

    def has_view_permission(self, request, obj=None):
        if obj is not None and not has_event_permission(request.user, obj, Action.VIEW_DRAFT):
            return False
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not has_event_permission(request.user, obj, Action.CHANGE):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not has_event_permission(request.user, obj, Action.DELETE):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        try:
            services.event_save(event=obj, by=request.user)
        except DomainError as exc:
            # The form has validated already, so this is a permission or a race: say it plainly.
            messages.error(request, exc.message)
            raise

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        event_id = form.instance.pk
        transaction.on_commit(lambda: event_changed.send(sender=Event, event_id=event_id))


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "country", "kind"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "acronym"]
    formfield_overrides = HTTPS_URLS


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country"]
    list_filter = ["country"]
    search_fields = ["name", "city", "address"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Organisers manage their own tokens; the token is shown once, right after it is made."""

    list_display = [
        "name",
        "prefix",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["name", "expires_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return ["name", "expires_at"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["name", "expires_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, plaintext = services.api_token_create(
            user=request.user, name=obj.name, expires_at=obj.expires_at
        )
        obj.pk = token.pk
        messages.warning(
            request,
            _(
                "Your new API token is %(token)s. Copy it now: it is stored only as a hash and "
                "cannot be shown again."
            )
            % {"token": plaintext},
        )

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token)
        messages.success(request, _("Revoked %(count)d token(s).") % {"count": len(queryset)})
