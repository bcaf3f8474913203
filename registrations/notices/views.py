"""Change notices' pages: unsubscribing from the link in a notice (one click, RFC 8058), and the
organisers' page of what was sent, to whom, what failed, and the switch to pause them."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from confman.core.exceptions import DomainError
from confman.core.throttling import page_rate_limit
from events.models import Event
from events.permissions import Action
from events.selectors import event_get
from registrations.links import unsubscribe_for_token
from registrations.models import Notice, NoticeKind, NoticeStatus
from registrations.notices.rounds import (
    notice_settings_set,
    notices_stop,
    settings_for,
    untold_exists,
)

PER_PAGE = 50


@csrf_exempt  # the signed address is the proof; mail programs post without a cookie (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
@page_rate_limit("private_links", methods=("GET", "HEAD", "POST"))
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (a link opened by a mail scanner changes nothing); POST, from the page's button
    or a mail program's one-click, stops the notices."""
    found = unsubscribe_for_token(token)
    event = Event.objects.filter(pk=found[1]).first() if found else None
    if found is None or event is None:
        message = _("This link is not valid; check that it was copied whole.")
        return render(request, "error.html", {"status": 404, "message": message}, status=404)
    email, _event_id, kind = found
    what = NoticeKind(kind).label if kind in NoticeKind.values else ""
    done = request.method == "POST"
    if done:
        notices_stop(event=event, email=email, kind=kind)
    return render(
        request,
        "registrations/unsubscribe.html",
        {"event": event, "email": email, "what": what, "done": done},
    )


class NoticeSettingsForm(forms.Form):
    paused = forms.BooleanField(label=gettext_lazy("Pause notices"), required=False)
    delay_threshold = forms.IntegerField(
        label=gettext_lazy("Tell delays from (minutes)"), min_value=0, max_value=240
    )
    window = forms.IntegerField(
        label=gettext_lazy("Grouping window (minutes)"), min_value=1, max_value=120
    )
    reminder_minutes = forms.IntegerField(
        label=gettext_lazy("Remind before a session (minutes; 0 for none)"),
        min_value=0,
        max_value=240,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def manage_notices(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    settings = settings_for(event.pk)
    form = NoticeSettingsForm(
        request.POST or None,
        initial={
            "paused": settings.paused,
            "delay_threshold": settings.delay_threshold,
            "window": settings.window,
            "reminder_minutes": settings.reminder_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice_settings_set(event=event, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Notices are paused: changes are kept until you resume them.")
                if form.cleaned_data["paused"]
                else _("Saved."),
            )
        return HttpResponseRedirect(reverse("registrations:notices", kwargs={"slug": slug}))
    notices = Notice.objects.filter(event=event)
    counts = notices.aggregate(
        sent=Count("pk", filter=Q(status=NoticeStatus.SENT)),
        queued=Count("pk", filter=Q(status=NoticeStatus.QUEUED)),
        failed=Count("pk", filter=Q(status=NoticeStatus.FAILED)),
    )
    page = Paginator(notices.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    labels = dict(NoticeKind.choices)
    for notice in page.object_list:
        notice.kind_labels = [str(labels.get(kind, kind)) for kind in notice.kinds]
    return render(
        request,
        "registrations/notices.html",
        {
            "event": event,
            "form": form,
            "settings": settings,
            "counts": counts,
            "page": page,
            "untold": untold_exists(event),
        },
        status=422 if request.method == "POST" else 200,
    )
