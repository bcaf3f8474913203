"""Downloading a session's or the event's material: the one way to a stored file. Public
materials are for anyone who may see the event; "participants only" ones for a confirmed
registration (the signed-in user's, or the one a private link names as ?r=<token>), the event's
team and the session's people. A link material answers with a redirect after the same checks.
The file is streamed from storage, never read whole."""

from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from confman.core.exceptions import DomainError, NotFound
from confman.core.throttling import page_rate_limit
from events.models import Event
from events.permissions import Action, has_event_permission
from events.selectors import event_get
from registrations import links
from registrations.models import Registration, State
from sessions.materials import is_session_person
from sessions.models import Material
from sessions.selectors import visible_sessions

# A stored file never runs as a page of this site, whatever is in it.
FILE_CSP = "default-src 'none'; sandbox"


def _link_registration(token: str, event: Event) -> Registration | None:
    """The confirmed registration of this event that the private link names, or None."""
    if not token:
        return None
    try:
        registration = links.registration_for_token(token)
    except DomainError:
        return None
    if registration.event_id != event.pk or registration.state != State.CONFIRMED:
        return None
    return registration


def _is_participant(request: HttpRequest, event: Event, material: Material, token: str) -> bool:
    user = request.user
    if has_event_permission(user, event, Action.VIEW_REGISTRATIONS):
        return True
    if material.session is not None and is_session_person(user, material.session):
        return True
    if user.is_authenticated and (
        Registration.objects.filter(event=event, user=user, state=State.CONFIRMED).exists()
    ):
        return True
    return _link_registration(token, event) is not None


def _material_of(request: HttpRequest, event: Event, pk: int) -> Material:
    material = Material.objects.filter(event=event, pk=pk).select_related("session").first()
    if material is not None and material.session is not None:
        # A session's material is as visible as the session (drafts for the team), and to its
        # people whatever the session's state.
        visible = visible_sessions(request.user, event).filter(pk=material.session_id).exists()
        if not visible and not is_session_person(request.user, material.session):
            material = None
    if material is None:
        raise NotFound(
            _("There is no material %(id)s at “%(slug)s”; it may have been removed.")
            % {"id": pk, "slug": event.slug}
        )
    return material


def _open_to_all(event: Event, material: Material) -> bool:
    """May shared caches keep it: public, of a public event and of a session the public sees."""
    if not material.is_public or not event.is_public:
        return False
    return material.session_id is None or (
        visible_sessions(None, event).filter(pk=material.session_id).exists()
    )


def _refused(request: HttpRequest, event: Event, material: Material) -> HttpResponse:
    return render(
        request,
        "registrations/material_refused.html",
        {"event": event, "material": material},
        status=403,
    )


def _file(material: Material) -> HttpResponse:
    try:
        stored = default_storage.open(material.file.name, "rb")
    except FileNotFoundError:
        raise NotFound(
            _("The file of “%(title)s” is no longer stored; ask the organisers to add it again.")
            % {"title": material.title},
            code="material_file_missing",
        ) from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=material.filename or "material",
        content_type=material.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def _download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user)
    material = _material_of(request, event, pk)
    material.event = event
    if not material.is_public:
        token = request.GET.get("r", "")[:1000]
        if not _is_participant(request, event, material, token):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return _refused(request, event, material)
    response = HttpResponseRedirect(material.url) if material.is_link else _file(material)
    # A redirect is never kept by shared caches: it points wherever its material's link does now.
    response["Cache-Control"] = (
        "public, max-age=3600"
        if _open_to_all(event, material) and not material.is_link
        else "private, no-store"
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


_download_with_link = page_rate_limit("private_links", methods=("GET", "HEAD"))(_download)


@require_safe
def material_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # A private link is a secret that could be guessed at: those requests count towards the
    # private links' rate limit; plain downloads do not.
    if request.GET.get("r"):
        return _download_with_link(request, slug, pk)
    return _download(request, slug, pk)
