"""An organiser hands one registrant everything kept about them (a JSON download), and removes
every registrant's personal data once the event is over (registrations.services.personal_data)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from confman.core.exceptions import DomainError, NotFound
from events.permissions import Action
from events.selectors import event_get
from registrations.models import Registration
from registrations.services.personal_data import (
    event_registrations_anonymise,
    registration_personal_data,
)


@login_required
@require_GET
def personal_data(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    registration = (
        Registration.objects.select_related("event", "ticket", "organization")
        .filter(event=event, pk=pk)
        .first()
    )
    if registration is None:
        raise NotFound(_("This event has no registration %(id)s.") % {"id": pk})
    body = json.dumps(
        registration_personal_data(registration),
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{event.slug}-{registration.reference}-personal-data.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def anonymise(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    back = reverse("registrations:manage", kwargs={"slug": slug})
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            _("Tick the box to confirm: removing the personal data cannot be undone."),
        )
        return HttpResponseRedirect(back)
    try:
        count = event_registrations_anonymise(event=event, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    messages.success(
        request,
        ngettext(
            "The personal data of %(count)s registration was removed; the counts stay.",
            "The personal data of %(count)s registrations was removed; the counts stay.",
            count,
        )
        % {"count": count},
    )
    return HttpResponseRedirect(back)
