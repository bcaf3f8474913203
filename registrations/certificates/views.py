"""Certificate pages: the organisers' page at /events/<slug>/manage/certificates/ (settings,
who attended, issue, preview, send, withdraw: one view per action), the holder's PDF behind
their private link, and the public verification at /certificates/, which says whether a code
is genuine and, of the person, only the name printed on it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST, require_safe

from confman.core.exceptions import Conflict, NotFound
from confman.core.throttling import page_rate_limit
from events.models import Event
from events.permissions import Action
from events.selectors import event_get
from registrations import links
from registrations.certificates.content import (
    Writer,
    certificate_filename,
    certificate_pdf,
    hours_shown,
    when_of,
)
from registrations.certificates.selectors import (
    attendees,
    certificate_settings_of,
    ended_sessions,
    statements,
)
from registrations.certificates.services import (
    certificate_revoke,
    certificate_settings_save,
    certificates_issue,
    certificates_send,
)
from registrations.models import Certificate, Registration
from registrations.models.certificates import CODE_LENGTH, certificate_code_normal
from sessions.models import Session, SessionStatus

SIGNATURE_MAX_BYTES = 1_000_000


# --- the organisers' page ---------------------------------------------------------------------


class CertificateSettingsForm(forms.Form):
    online_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes watched online to count as attending"),
        min_value=1,
        max_value=10000,
        help_text=gettext_lazy(
            "Online participants qualify after following the live page this long; for a "
            "session certificate, this long or the whole session if it is shorter."
        ),
    )
    signatories = forms.CharField(
        label=gettext_lazy("Signed by"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line: a name, a comma, the title (“Li Wei, Director”)."),
    )
    signature = forms.ImageField(
        label=gettext_lazy("Signature image"),
        required=False,
        help_text=gettext_lazy(
            "Optional: a PNG or JPEG of at most 1 MB, printed above the first name."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    clear_signature = forms.BooleanField(
        label=gettext_lazy("Remove the signature image"), required=False
    )

    def clean_signature(self):
        image = self.cleaned_data.get("signature")
        if image is None:
            return None
        if image.size > SIGNATURE_MAX_BYTES:
            raise ValidationError(
                _("The image is larger than 1 MB; save it smaller (a signature needs little).")
            )
        kind = getattr(image, "image", None)
        extension = image.name.rsplit(".", 1)[-1].lower() if "." in image.name else ""
        if (
            kind is None
            or kind.format not in ("PNG", "JPEG")
            or extension not in ("png", "jpg", "jpeg")
        ):
            raise ValidationError(_("The signature must be a PNG or JPEG image."))
        return image


def _session(event: Event, value: str | None) -> Session | None:
    if not value:
        return None
    session = (
        Session.objects.filter(event=event, pk=value)
        .exclude(status__in=[SessionStatus.DRAFT, SessionStatus.CANCELLED])
        .select_related("room")
        .first()
        if value.isascii() and value.isdecimal()
        else None
    )
    if session is None or session.actual_end is None:
        raise NotFound(
            _("There is no such session in this event; choose one from the certificates page.")
        )
    return session


def _page_url(event: Event, session: Session | None) -> str:
    url = reverse("registrations:certificates", kwargs={"slug": event.slug})
    return f"{url}?{urlencode({'session': session.pk})}" if session else url


def _render_page(request, event: Event, form: CertificateSettingsForm, session, *, status=200):
    now = timezone.now()
    settings = certificate_settings_of(event)
    people = attendees(event, session, online_minutes=settings.online_minutes)
    return render(
        request,
        "registrations/certificates.html",
        {
            "event": event,
            "form": form,
            "settings": settings,
            "sessions": ended_sessions(event, now),
            "session": session,
            "session_when": when_of(event, session) if session else "",
            "attendees": people,
            "issued": sum(1 for a in people if a.certificate and not a.certificate.revoked_at),
            "unsent": sum(
                1
                for a in people
                if a.certificate and not a.certificate.revoked_at and not a.certificate.sent_at
            ),
            "can_issue": event.is_over if session is None else session.actual_end <= now,
        },
        status=status,
    )


@login_required
@require_safe
def certificates_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    session = _session(event, request.GET.get("session"))
    settings = certificate_settings_of(event)
    form = CertificateSettingsForm(
        initial={
            "online_minutes": settings.online_minutes,
            "signatories": str(settings.signatories or ""),
        }
    )
    return _render_page(request, event, form, session)


@login_required
@require_POST
def certificates_settings(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    form = CertificateSettingsForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_page(request, event, form, None, status=422)
    try:
        certificate_settings_save(
            event=event,
            online_minutes=form.cleaned_data["online_minutes"],
            signatories=form.cleaned_data["signatories"],
            signature=form.cleaned_data["signature"],
            clear_signature=form.cleaned_data["clear_signature"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_page(request, event, form, None, status=422)
    messages.success(request, _("The certificate settings are saved."))
    return HttpResponseRedirect(_page_url(event, None))


@login_required
@require_POST
def certificates_issue_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    session = _session(event, request.POST.get("session"))
    everyone = "everyone" in request.POST
    chosen = [int(v) for v in request.POST.getlist("registration") if v.isascii() and v.isdecimal()]
    if not everyone and not chosen:
        messages.error(
            request,
            _("No one was chosen: tick the people to issue to, or issue to everyone who attended."),
        )
        return HttpResponseRedirect(_page_url(event, session))
    try:
        count = certificates_issue(
            event=event,
            registrations=None if everyone else chosen,
            session=session,
            by=request.user,
        )
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(
                request,
                ngettext("%(count)s certificate issued.", "%(count)s certificates issued.", count)
                % {"count": count},
            )
        else:
            messages.info(request, _("Everyone chosen already holds a certificate: none issued."))
    return HttpResponseRedirect(_page_url(event, session))


@login_required
@require_POST
def certificates_send_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    session = _session(event, request.POST.get("session"))
    again = request.POST.get("again") == "1"
    count = certificates_send(event=event, session=session, again=again, by=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s certificate is being mailed.",
                "%(count)s certificates are being mailed.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.info(
            request,
            _(
                "Every issued certificate has been mailed already; choose “Send all again” "
                "to mail them once more."
            ),
        )
    return HttpResponseRedirect(_page_url(event, session))


@login_required
@require_POST
def certificate_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    certificate = (
        Certificate.objects.filter(registration__event=event, pk=pk)
        .select_related("registration", "session")
        .first()
    )
    if certificate is None:
        raise NotFound(_("There is no such certificate at this event; see the certificates page."))
    certificate_revoke(certificate=certificate, by=request.user)
    messages.success(
        request,
        _("The certificate of %(name)s is withdrawn; its verification page now says so.")
        % {"name": certificate.registration.name},
    )
    return HttpResponseRedirect(_page_url(event, certificate.session))


@login_required
@require_safe
def certificates_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """A sample certificate as PDF, issued to no one: the first attendee's, else a made-up
    name. Its code is all zeros, which no certificate has."""
    event = event_get(slug, request.user, Action.MANAGE_REGISTRATIONS)
    session = _session(event, request.GET.get("session"))
    people = attendees(event, session)
    if people:
        first = people[0]
        registration, online, minutes = first.registration, first.online, first.minutes
    else:
        registration = Registration(event=event, name=_("Participant’s name"), language="")
        online, minutes = False, 0
    sample = Certificate(
        registration=registration,
        session=session,
        code="0" * CODE_LENGTH,
        online=online,
        minutes=minutes,
        issued_at=timezone.now(),
    )
    response = HttpResponse(Writer(event).pdf([sample]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-certificate-sample.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the holder -------------------------------------------------------------------------------


@require_safe
@page_rate_limit("private_links", methods=("GET", "HEAD"))
def my_certificate(request: HttpRequest, slug: str, token: str, code: str) -> HttpResponse:
    """The holder's certificate as PDF; 404 unless the link is theirs and the certificate is
    theirs and not withdrawn."""
    registration = links.registration_for_token(token)
    certificate = (
        Certificate.objects.filter(
            registration=registration,
            registration__event__slug=slug,
            code=certificate_code_normal(code),
            revoked_at__isnull=True,
        )
        .select_related("registration__event__venue", "session__room")
        .first()
    )
    if certificate is None:
        raise NotFound(_("There is no certificate here: the link or the code is not one of yours."))
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(certificate)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- public verification ----------------------------------------------------------------------


@require_safe
@page_rate_limit("certificates", methods=("GET", "HEAD"))
def certificate_find(request: HttpRequest) -> HttpResponse:
    """The form to type a code; a code given (?code=, any case, spaces and dashes) goes to its
    page."""
    typed = request.GET.get("code", "")
    code = certificate_code_normal(typed)
    if code:
        return HttpResponseRedirect(
            reverse("registrations:certificate-verify", kwargs={"code": code})
        )
    return render(
        request,
        "registrations/certificate_verify.html",
        {"typed": typed, "asked": "code" in request.GET},
        status=422 if "code" in request.GET else 200,
    )


@require_safe
@page_rate_limit("certificates", methods=("GET", "HEAD"))
def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Genuine (200), withdrawn (410) or unknown (404). Of the person, only the name."""
    normal = certificate_code_normal(code)
    certificate = (
        Certificate.objects.filter(code=normal)
        .select_related("registration__event__venue", "session")
        .first()
        if len(normal) == CODE_LENGTH
        else None
    )
    if certificate is None:
        return render(
            request,
            "registrations/certificate_verify.html",
            {"typed": code, "unknown": True},
            status=404,
        )
    event = certificate.registration.event
    statement = statements([certificate])[certificate.pk]
    return render(
        request,
        "registrations/certificate_verify.html",
        {
            "certificate": certificate,
            "name": certificate.registration.name,
            "event": event,
            "when": when_of(event, certificate.session),
            "statement": statement,
            # (as printed, the whole number that picks the plural form)
            "hours": hours_shown(certificate.minutes),
            "issued_on": certificate.issued_at.astimezone(event.tzinfo).date(),
            "withdrawn_on": certificate.revoked_at.astimezone(event.tzinfo).date()
            if certificate.revoked_at
            else None,
        },
        status=410 if certificate.revoked_at else 200,
    )
