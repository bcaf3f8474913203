"""What a certificate of attendance says, in its languages, and the certificate as PDF.

A certificate is written in its holder's language (the one they registered in, else the event's
first), or in both when the event works in exactly two: each line in the two, the holder's
first. It is the holder's own document, unlike a badge, which everyone at the door reads."""

import logging
import math
from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from confman.core.language import said_in
from events.models import Event, EventOrganization
from events.templatetags.confman import date_range
from events.timezones import offset_label
from registrations.certificates.pdf import CertificatePage, render
from registrations.certificates.selectors import Statement, certificate_settings_of, statements
from registrations.models import Certificate, CertificateSettings, Registration

logger = logging.getLogger(__name__)

SESSIONS_LISTED = 12  # more than this many and the certificate gives their number only


def spoken(code: str) -> bool:
    return code in {language for language, _name in settings.LANGUAGES}


def certificate_languages(event: Event, registration: Registration | None) -> list[str]:
    """[the holder's language] or, for an event working in exactly two, both (theirs first)."""
    own = registration.language if registration is not None else ""
    working = [code for code in event.languages if spoken(code)]
    if len(event.languages) == 2 and len(working) == 2:
        first = own if own in working else working[0]
        return [first] + [code for code in working if code != first]
    if own and spoken(own):
        return [own]
    return working[:1] or [settings.LANGUAGE_CODE]


def in_each(languages: list[str], say: Callable[[], str]) -> list[str]:
    """What `say()` returns in each language, each different wording once."""
    return said_in(languages, say)


def both(languages: list[str], say: Callable[[], str]) -> str:
    return " / ".join(in_each(languages, say))


def verification_url(code: str) -> str:
    return settings.SITE_URL + reverse("registrations:certificate-verify", kwargs={"code": code})


def verification_home() -> str:
    return settings.SITE_URL + reverse("registrations:certificate-find")


def place_of(event: Event) -> str:
    """ "Conference Centre, Shenzhen, China", in the active language."""
    venue = event.venue
    if venue is None or not event.has_venue:
        return ""
    parts = [str(venue.name), venue.city, str(venue.country.name) if venue.country else ""]
    return ", ".join(part for part in parts if part)


def hours_shown(minutes: int) -> tuple[str, int]:
    """Hours as printed (one decimal unless whole, in the active language's format), and the
    whole number that picks their plural form."""
    hours = minutes / 60
    shown = number_format(round(hours, 1), decimal_pos=1 if not hours.is_integer() else 0)
    return shown, max(1, math.ceil(hours))


def hours_text(minutes: int) -> str:
    shown, count = hours_shown(minutes)
    return ngettext(
        "Followed the event online for %(hours)s hour.",
        "Followed the event online for %(hours)s hours.",
        count,
    ) % {"hours": shown}


def _detail(certificate: Certificate, statement: Statement, event: Event) -> str:
    if certificate.session_id is not None:
        if certificate.online:
            return ngettext(
                "Followed the session online for %(count)s minute.",
                "Followed the session online for %(count)s minutes.",
                certificate.minutes,
            ) % {"count": certificate.minutes}
        return _("Checked in at the session.")
    if certificate.online:
        return hours_text(certificate.minutes)
    parts = []
    if statement.days:
        days = ", ".join(date_format(day, "DATE_FORMAT") for day in statement.days)
        parts.append(
            ngettext(
                "Present on %(count)s day: %(days)s.",
                "Present on %(count)s days: %(days)s.",
                len(statement.days),
            )
            % {"count": len(statement.days), "days": days}
        )
    sessions = statement.sessions
    if sessions and len(sessions) <= SESSIONS_LISTED:
        titles = "; ".join(f"“{session.title}”" for session in sessions)
        parts.append(_("Sessions attended: %(titles)s.") % {"titles": titles})
    elif certificate.sessions_attended:
        parts.append(
            ngettext(
                "Attended %(count)s session.",
                "Attended %(count)s sessions.",
                certificate.sessions_attended,
            )
            % {"count": certificate.sessions_attended}
        )
    return " ".join(parts)


COMMAS = str.maketrans({"，": ",", "、": ",", "،": ","})


def signatories_of(certificate_settings: CertificateSettings) -> tuple[tuple[str, str], ...]:
    """ "Li Wei, Director" per line -> (("Li Wei", "Director"),), in the active language."""
    found = []
    for line in str(certificate_settings.signatories or "").splitlines():
        # A comma as typed in any of the interface's languages: Latin, Chinese, Arabic.
        name, _comma, title = line.translate(COMMAS).partition(",")
        if name.strip():
            found.append((name.strip(), title.strip()))
    return tuple(found)


def organisers_of(event: Event) -> list[str]:
    return [
        link.organization.name
        for link in EventOrganization.objects.filter(
            event=event, role=EventOrganization.Role.ORGANISER
        ).select_related("organization")
    ]


def subject_of(event: Event, session) -> str:
    if session is None:
        return str(event.title)
    return _("“%(session)s” at %(event)s") % {"session": session.title, "event": event.title}


def when_of(event: Event, session) -> str:
    """The event's dates, or the session's day and actual times with the offset."""
    if session is None:
        return date_range(event.start_date, event.end_date)
    tz = event.tzinfo
    start, end = session.actual_start.astimezone(tz), session.actual_end.astimezone(tz)
    return _("%(day)s, %(start)s–%(end)s (%(offset)s)") % {
        "day": date_format(start.date(), "DATE_FORMAT"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "offset": offset_label(start),
    }


class Writer:
    """Writes the pages of one event's certificates: what every page shares (organisers,
    signatories, settings) is read once."""

    def __init__(self, event: Event):
        self.event = event
        self.settings = certificate_settings_of(event)
        self.organisers = organisers_of(event)

    def signature_image(self) -> bytes | None:
        """The signature's bytes, read once through the storage (a local file, or S3's)."""
        signature = self.settings.signature
        if not signature:
            return None
        try:
            with signature.open("rb") as stored:
                return stored.read()
        except OSError:  # gone from the storage: the certificates print without it
            logger.warning("The signature image of %s cannot be read", self.event.slug)
            return None

    def page(self, certificate: Certificate, statement: Statement | None = None) -> CertificatePage:
        event, registration = self.event, certificate.registration
        languages = certificate_languages(event, registration)
        statement = statement or Statement()
        session = certificate.session
        issued = certificate.issued_at.astimezone(event.tzinfo).date()

        def where() -> str:
            if certificate.online:
                return _("Online")
            return place_of(event)

        def attended() -> str:
            if session is None:
                return (
                    pgettext("certificate: the line before the event's name", "attended online")
                    if certificate.online
                    else _("attended")
                )
            return (
                _("attended online the session")
                if certificate.online
                else _("attended the session")
            )

        def organisers() -> str:
            if not self.organisers:
                return ""
            return _("Organised by %(organisers)s") % {"organisers": ", ".join(self.organisers)}

        headings = in_each(languages, lambda: _("Certificate of attendance"))
        with translation.override(languages[0]):
            signatories = signatories_of(self.settings)
        return CertificatePage(
            heading=headings[0],
            heading_second=headings[1] if len(headings) > 1 else "",
            certify=both(languages, lambda: _("This is to certify that")),
            name=registration.name,
            attended=both(languages, attended),
            subject=both(languages, lambda: subject_of(event, session)),
            when=both(languages, lambda: when_of(event, session)),
            where=both(languages, where),
            detail=both(languages, lambda: _detail(certificate, statement, event)),
            organisers=both(languages, organisers),
            signatories=signatories,
            url=verification_url(certificate.code),
            code=certificate.display_code,
            code_label=both(languages, lambda: _("Verification code")),
            verify=both(
                languages,
                lambda: (
                    _("Scan the code, or type it at %(url)s, to check this certificate.")
                    % {"url": verification_home()}
                ),
            ),
            issued=both(
                languages,
                lambda: _("Issued on %(date)s") % {"date": date_format(issued, "DATE_FORMAT")},
            ),
        )

    def pdf(self, certificates: Iterable[Certificate]) -> bytes:
        """One PDF, a page per certificate (the fonts read once for all of them)."""
        certificates = list(certificates)
        found = statements(certificates)
        pages = [self.page(c, found.get(c.pk)) for c in certificates]
        return render(
            pages,
            title=str(_("Certificate of attendance")),
            signature=self.signature_image(),
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    return Writer(certificate.registration.event).pdf([certificate])


def certificate_filename(certificate: Certificate) -> str:
    event = certificate.registration.event
    return f"{event.slug}-certificate-{certificate.code}.pdf"


def certificates_for_pdf(event: Event):
    """The event's valid certificates with what their pages read."""
    return (
        Certificate.objects.filter(registration__event=event, revoked_at__isnull=True)
        .select_related("registration__event__venue", "session__room")
        .order_by("registration__name", "pk")
    )
