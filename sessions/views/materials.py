"""Pages to add and remove materials: the event's (its organisers) and a session's (its
organisers, chairs and speakers). Downloads are registrations.views.materials."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confman.core.exceptions import InvalidInput, NotFound
from events.models import Event
from events.permissions import Action
from events.selectors import event_get
from sessions.materials import event_materials, session_materials
from sessions.materials_forms import MaterialForm
from sessions.models import Material, Session
from sessions.services.materials import material_add, material_remove, require_material_editor


def _page_url(event: Event, session: Session | None) -> str:
    if session is None:
        return reverse("agenda:event-materials", kwargs={"slug": event.slug})
    return reverse("agenda:session-materials", kwargs={"slug": event.slug, "pk": session.pk})


def _session_of(event: Event, pk: int) -> Session:
    session = Session.objects.filter(event=event, pk=pk).first()
    if session is None:
        raise NotFound(_("The programme has no session %(id)s.") % {"id": pk})
    session.event = event
    return session


def _page(request: HttpRequest, event: Event, session: Session | None) -> HttpResponse:
    form = MaterialForm(request.POST or None, request.FILES or None, event=event)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                material = material_add(
                    event=event, session=session, by=request.user, **form.service_fields()
                )
            except InvalidInput as exc:
                for error in exc.errors:
                    field = error["field"] if error["field"] in form.fields else None
                    form.add_error(field, error["message"])
            else:
                messages.success(request, _("“%(title)s” is added.") % {"title": material.title})
                return HttpResponseRedirect(_page_url(event, session))
    materials = list(event_materials(event) if session is None else session_materials(session))
    return render(
        request,
        "sessions/materials.html",
        {"event": event, "session": session, "form": form, "materials": materials},
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def event_materials_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    return _page(request, event, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_materials_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user)
    session = _session_of(event, pk)
    require_material_editor(request.user, event, session)
    return _page(request, event, session)


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user)
    material = Material.objects.filter(event=event, pk=pk).select_related("session").first()
    if material is None:
        messages.info(request, _("That material is already removed."))
        return HttpResponseRedirect(reverse("events:detail", kwargs={"slug": slug}))
    material.event = event
    if material.session is not None:
        material.session.event = event
    material_remove(material=material, by=request.user)
    messages.success(request, _("“%(title)s” is removed.") % {"title": material.title})
    return HttpResponseRedirect(_page_url(event, material.session))
