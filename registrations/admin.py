"""Registration set-up in the back office: tickets with their quotas, the event's quotas per
attendance mode, questions and settings. Organisers see only their events; seats and states
change through registrations.services (the registrations themselves are handled on the
organiser's registrations page)."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from confman.core.exceptions import DomainError
from events.admin import ActionScopedAdmin
from events.permissions import Action, events_for
from registrations.models import Question, Quota, RegistrationSettings, TicketType
from registrations.services.personal_data import retention_schedule
from registrations.services.quotas import quota_for_mode, quota_for_ticket
from registrations.services.tickets import quota_set, ticket_create


class RegistrationScoped(ActionScopedAdmin):
    """Rows of the events whose registrations the user manages."""

    view_action = Action.VIEW_REGISTRATIONS
    manage_action = Action.MANAGE_REGISTRATIONS


class TicketTypeForm(forms.ModelForm):
    seats = forms.IntegerField(
        label=_("seats"),
        required=False,
        min_value=0,
        help_text=_("This ticket's own limit; leave empty for none."),
    )

    class Meta:
        model = TicketType
        fields = [
            "event",
            "name",
            "description",
            "modes",
            "price",
            "currency",
            "sales_start",
            "sales_end",
            "visibility",
            "access_code",
            "requires_approval",
            "hold_minutes",
            "refundable_until",
            "badge_role",
            "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quota = getattr(self.instance, "quota", None) if self.instance.pk else None
        if quota is not None:
            self.initial["seats"] = quota.size


@admin.register(TicketType)
class TicketTypeAdmin(RegistrationScoped):
    form = TicketTypeForm
    list_display = ["name", "event", "modes", "price", "currency", "visibility", "seats"]
    list_filter = ["event", "visibility", "modes"]
    list_select_related = ["event", "quota"]

    @admin.display(description=_("seats"))
    def seats(self, obj: TicketType):
        size = getattr(getattr(obj, "quota", None), "size", None)
        return gettext("no limit") if size is None else size

    def get_readonly_fields(self, request, obj=None):
        return ["event"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        seats = form.cleaned_data.get("seats")
        try:
            if change:
                obj.save()
                quota_set(quota=quota_for_ticket(obj), by=request.user, size=seats)
            else:
                fields = {
                    name: form.cleaned_data[name]
                    for name in TicketTypeForm.Meta.fields
                    if name != "event"
                }
                saved = ticket_create(event=obj.event, by=request.user, quota=seats, **fields)
                obj.pk = saved.pk
        except DomainError as exc:
            messages.error(request, exc.message)
            raise


@admin.register(Quota)
class ModeQuotaAdmin(RegistrationScoped):
    """The event-wide limits per attendance mode (a ticket's own limit is on the ticket)."""

    list_display = ["event", "mode", "size"]
    list_filter = ["event"]
    fields = ["event", "mode", "size"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(ticket__isnull=True)

    def get_readonly_fields(self, request, obj=None):
        return ["event", "mode"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        quota = obj if change else quota_for_mode(obj.event, obj.mode)
        quota_set(quota=quota, by=request.user, size=form.cleaned_data["size"])
        obj.pk = quota.pk


@admin.register(Question)
class QuestionAdmin(RegistrationScoped):
    list_display = ["label", "event", "kind", "required", "order"]
    list_filter = ["event", "kind"]
    filter_horizontal = ["tickets"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "tickets":
            events = events_for(request.user, Action.MANAGE_REGISTRATIONS)
            kwargs["queryset"] = TicketType.objects.filter(event__in=events).select_related("event")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(RegistrationSettings)
class RegistrationSettingsAdmin(RegistrationScoped):
    list_display = ["event", "is_open", "offer_hours", "retention_days", "registrations"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "retention_days" in form.changed_data:
            retention_schedule(obj)

    @admin.display(description=_("registrations"))
    def registrations(self, obj: RegistrationSettings) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("registrations:manage", kwargs={"slug": obj.event.slug}),
            gettext("See the registrations"),
        )
