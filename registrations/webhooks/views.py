"""The organisers' webhook pages: the endpoints (add one, its secret shown once; pause, resume,
delete) and each endpoint's deliveries with "Send again". For the event's owners and organisers
(Action.CHANGE: an integration acts for the whole event, its registrations and its programme)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from confman.core.exceptions import InvalidInput
from confman.core.steps import step_run
from events.models import Event
from events.permissions import Action
from events.selectors import event_get
from registrations.models import (
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEventType,
)
from registrations.webhooks.endpoints import (
    webhook_delivery_send_again,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_pause,
    webhook_endpoint_resume,
)

PER_PAGE = 50


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Address (https)"), max_length=500, assume_scheme="https"
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("What to send"),
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )


def _page(request: HttpRequest, event: Event, form: EndpointForm, **extra) -> HttpResponse:
    endpoints = list(
        WebhookEndpoint.objects.filter(event=event)
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__status=WebhookDeliveryStatus.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__status=WebhookDeliveryStatus.FAILED)),
        )
        .order_by("created_at", "pk")
    )
    labels = dict(WebhookEventType.choices)
    for endpoint in endpoints:
        endpoint.type_labels = [str(labels.get(t, t)) for t in endpoint.event_types]
    return render(
        request,
        "registrations/webhooks.html",
        {"event": event, "form": form, "endpoints": endpoints, **extra},
        status=422 if form.errors else 200,
    )


CREATED = "webhooks.created"  # the session key: the endpoint whose secret is shown next


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.CHANGE)
    if request.method != "POST":
        # The secret is shown on the page that follows the adding, once (a reload of it, or any
        # later page, shows it no more).
        created = WebhookEndpoint.objects.filter(
            pk=request.session.pop(CREATED, None), event=event
        ).first()
        response = _page(request, event, EndpointForm(), created=created)
        if created is not None:
            response["Cache-Control"] = "no-store"
        return response
    form = EndpointForm(request.POST)
    if form.is_valid():
        try:
            endpoint = webhook_endpoint_create(event=event, by=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            for error in exc.errors:
                field = error["field"] if error["field"] in form.fields else None
                form.add_error(field, error["message"])
        else:
            request.session[CREATED] = endpoint.pk
            return HttpResponseRedirect(_back(slug))
    return _page(request, event, form)


def _endpoint(request: HttpRequest, slug: str, pk: int) -> WebhookEndpoint:
    event = event_get(slug, request.user, Action.CHANGE)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, event=event)
    endpoint.event = event
    return endpoint


def _back(slug: str) -> str:
    return reverse("registrations:webhooks", kwargs={"slug": slug})


@login_required
@require_POST
def pause(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)

    def step() -> str:
        webhook_endpoint_pause(endpoint=endpoint, by=request.user)
        return _("Paused: nothing is sent to %(url)s until you resume it.") % {"url": endpoint.url}

    return step_run(request, step, _back(slug))


@login_required
@require_POST
def resume(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)

    def step() -> str:
        webhook_endpoint_resume(endpoint=endpoint, by=request.user)
        return _("Resumed: what waited for %(url)s is being sent.") % {"url": endpoint.url}

    return step_run(request, step, _back(slug))


@login_required
@require_POST
def delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)

    def step() -> str:
        webhook_endpoint_delete(endpoint=endpoint, by=request.user)
        return _("Deleted the endpoint %(url)s and its deliveries.") % {"url": endpoint.url}

    return step_run(request, step, _back(slug))


@login_required
@require_http_methods(["GET", "HEAD"])
def deliveries(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, slug, pk)
    page = Paginator(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .defer("payload")
        .order_by("-created_at", "-pk"),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "registrations/webhook_deliveries.html",
        {"event": endpoint.event, "endpoint": endpoint, "page": page},
    )


@login_required
@require_POST
def send_again(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user, Action.CHANGE)
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"), pk=pk, endpoint__event=event
    )
    delivery.endpoint.event = event

    def step() -> str:
        webhook_delivery_send_again(delivery=delivery, by=request.user)
        if not delivery.endpoint.active:
            return _("Queued: it is sent when the endpoint is resumed.")
        return _("Queued to be sent again.")

    return step_run(
        request,
        step,
        reverse(
            "registrations:webhooks-deliveries", kwargs={"slug": slug, "pk": delivery.endpoint_id}
        ),
    )
