"""The organiser's back office. Organisers see and change only the events whose team they are
on; what they may do there is decided by events.permissions, like everywhere else."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from confman.core.admin import ContentAdminMixin, EventScopedAdmin, scoped_list_filter
from confman.core.exceptions import DomainError
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
from events.selectors import organizations_for
from events.timezones import TIME_ZONE_CHOICES

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ActionScopedAdmin(EventScopedAdmin):
    """Rows of the events where the user may `view_action`, changed where they may
    `manage_action` (events.permissions decides)."""

    view_action: Action
    manage_action: Action

    def visible_events(self, user):
        return events_for(user, self.view_action)

    def managed_events(self, user):
        return events_for(user, self.manage_action)

    def manages(self, user, event) -> bool:
        return has_event_permission(user, event, self.manage_action)


class EventScopedInline(ContentAdminMixin, admin.TabularInline):
    extra = 0
    action = Action.CHANGE

    def _allowed(self, request, obj: Event | None) -> bool:
        return obj is None or has_event_permission(request.user, obj, self.action)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)


class RoomInline(EventScopedInline):
    model = Room
    fields = ["name", "kind", "capacity", "floor", "description", "order"]


class TrackInline(EventScopedInline):
    model = Track
    fields = ["name", "colour", "description", "order"]


class TeamMemberForm(forms.ModelForm):
    """People are named by user name or e-mail address: organisers need not be able to browse
    every account on the installation to add a colleague."""

    user = forms.CharField(
        label=_("user name or e-mail"),
        max_length=254,
        help_text=_("The person must already have an account."),
    )

    class Meta:
        model = TeamMember
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["user"] = self.instance.user.get_username()

    def clean_user(self):
        value = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(Q(username=value) | Q(email__iexact=value))
        found = list(users[:2])
        if len(found) != 1:
            raise forms.ValidationError(
                _("No single account has the user name or e-mail “%(value)s”."),
                params={"value": value},
            )
        return found[0]


class TeamFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or not self.has_changed():
            # Nothing to check: unchanged, or shown read-only to a colleague who may not
            # manage the team (their forms then hold no user to check).
            return
        roles = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if TeamMember.Role.OWNER not in roles:
            raise forms.ValidationError(
                _("The event needs at least one owner: make someone else owner first.")
            )
        users = [
            form.cleaned_data["user"].pk if form.has_changed() else form.instance.user_id
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(users) != len(set(users)):
            raise forms.ValidationError(_("A person can be on the team only once."))


class TeamMemberInline(EventScopedInline):
    model = TeamMember
    form = TeamMemberForm
    formset = TeamFormSet
    action = Action.MANAGE_TEAM
    fields = ["user", "role"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (
            obj is None or has_event_permission(request.user, obj, Action.VIEW_DRAFT)
        )


@admin.register(Event)
class EventAdmin(ContentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "acronym", "start_date", "end_date", "timezone", "format", "status"]
    list_filter = ["status", "format", "start_date"]
    search_fields = ["title", "acronym", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}
    date_hierarchy = "start_date"
    autocomplete_fields = ["venue"]
    formfield_overrides = HTTPS_URLS
    readonly_fields = ["organisations"]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "status", "description"]}),
        (
            _("When and where"),
            {"fields": ["timezone", "start_date", "end_date", "format", "venue", "languages"]},
        ),
        (_("Contact"), {"fields": ["website", "contact_email"]}),
        (_("Organisations"), {"fields": ["organisations"]}),
    ]

    def get_inlines(self, request, obj):
        # A new event's team is its creator, made owner by the service; the team is edited
        # once the event exists.
        return (
            [RoomInline, TrackInline]
            if obj is None
            else [RoomInline, TrackInline, TeamMemberInline]
        )

    @admin.display(description=_("organisers, partners and sponsors"))
    def organisations(self, obj: Event) -> str:
        if obj.pk is None:
            return gettext("Add them once the event is saved.")
        url = reverse("admin:events_eventorganization_changelist")
        count = obj.event_organizations.count()
        return format_html(
            '<a href="{}?event__id__exact={}">{}</a>',
            url,
            obj.pk,
            ngettext(
                "%(count)d organisation takes part: manage it",
                "%(count)d organisations take part: manage them",
                count,
            )
            % {"count": count},
        )

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


@admin.register(EventOrganization)
class EventOrganizationAdmin(admin.ModelAdmin):
    """An event's organisations, on their own page: a global conference has thousands."""

    list_display = ["organization", "role", "country", "event", "order"]
    list_filter = ["role", "event"]
    list_select_related = ["organization", "event"]
    search_fields = ["organization__name", "organization__acronym"]
    autocomplete_fields = ["organization"]
    list_per_page = 100

    @admin.display(description=_("country"))
    def country(self, obj: EventOrganization) -> str:
        return obj.organization.country.name

    def visible_events(self, user):
        return events_for(user, Action.VIEW_DRAFT)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(event__in=self.visible_events(request.user))

    def get_list_filter(self, request):
        return scoped_list_filter(super().get_list_filter(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event":
            kwargs["queryset"] = events_for(request.user, Action.CHANGE)
        if db_field.name == "organization":
            kwargs["queryset"] = organizations_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not has_event_permission(request.user, obj.event, Action.CHANGE):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


class SharedRegistryAdmin(ContentAdminMixin, admin.ModelAdmin):
    """Organisations and venues are shared between events: an organiser may add them, and may
    change or delete only those no event outside their own uses."""

    formfield_overrides = HTTPS_URLS

    def _used_elsewhere(self, request, obj) -> bool:
        mine = events_for(request.user, Action.CHANGE)
        return obj.events.exclude(pk__in=mine.values("pk")).exists()

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and self._used_elsewhere(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and self._used_elsewhere(request, obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Organization)
class OrganizationAdmin(SharedRegistryAdmin):
    """The shared registry, and the organisations registrants typed for the user's events,
    which an organiser accepts into the registry (or merges with the registry's own)."""

    list_display = ["name", "acronym", "country", "kind", "listed", "proposed_at"]
    list_filter = ["listed", "kind", "country"]
    search_fields = ["name", "acronym"]
    readonly_fields = ["listed", "proposed_at"]
    actions = ["accept"]

    def get_queryset(self, request):
        return organizations_for(request.user).select_related("proposed_at")

    @admin.action(description=_("Accept into the shared registry"))
    def accept(self, request, queryset):
        try:
            count = services.organizations_accept(organizations=queryset, by=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        if not count:
            self.message_user(
                request,
                gettext(
                    "None of these was waiting to be accepted: they are in the registry already, "
                    "or were typed for an event you may not change."
                ),
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d organisation accepted into the shared registry.",
                "%(count)d organisations accepted into the shared registry.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Venue)
class VenueAdmin(SharedRegistryAdmin):
    list_display = ["name", "city", "country"]
    list_filter = ["country"]
    search_fields = ["name", "city", "address"]


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "expires_at"]

    def clean_expires_at(self):
        expires_at = self.cleaned_data["expires_at"]
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("Give a date in the future, or none."))
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Organisers manage their own tokens; the token is shown once, right after it is made,
    and a revoked token stays revoked."""

    form = ApiTokenForm
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
    actions = ["revoke"]

    def get_queryset(self, request):
        tokens = super().get_queryset(request).select_related("user")
        return tokens if request.user.is_superuser else tokens.filter(user=request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "expires_at"]
        return ["name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once the token exists
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
        count = len(queryset)
        messages.success(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", count)
            % {"count": count},
        )
