"""Badges: what a registration's badge says (name, organisation, country, role, attendance mode,
the event, the QR code of its badge secret) and the badge itself as PDF and PNG. The drawing is
in badges.pdf; print runs of many badges in badges.print_runs.

A badge is written in the event's first working language (else English), its role and
attendance words in its first two ("Delegate · 代表") when it works in several: it is read by
everyone at the event, not only by its wearer. The QR payload is the badge secret alone, so the
code stays small (version 3 for 32 characters) and scans fast from a phone screen."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from qrcode.constants import ERROR_CORRECT_M

from confman.core.language import said_in
from events.models import PERSON_MODE_CHOICES, Event, TeamMember
from events.templatetags.confman import date_range
from registrations.badges.pdf import Badge, Layout, rasterise, render
from registrations.badges.typeset import printable
from registrations.models import BadgeRole, Registration, State
from sessions.models import CHAIRING_ROLES, RoleKind, SessionRole, SessionStatus

logger = logging.getLogger(__name__)

ORGANISER, STAFF, CHAIR, SPEAKER = "organiser", "staff", "chair", "speaker"
SPEAKING_ROLES = frozenset({RoleKind.SPEAKER, RoleKind.PANELLIST, RoleKind.RAPPORTEUR})


def qr_svg(secret: str) -> SafeString:
    """The QR code as inline SVG (a single path, black on the page's white). Only our own
    secret goes in, so the markup is safe to embed."""
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(secret)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", '<svg class="badge-qr" aria-hidden="true" ', 1))  # noqa: S308


def has_badge(registration: Registration) -> bool:
    return registration.state == State.CONFIRMED and bool(registration.badge_secret)


def badge_language(event: Event) -> str:
    """The event's first working language that the site speaks, else the site's default."""
    spoken = {code for code, _name in settings.LANGUAGES}
    return next((code for code in event.languages if code in spoken), settings.LANGUAGE_CODE)


def badge_languages(event: Event) -> list[str]:
    """The languages of the badge's words: the event's first two working languages that the
    site speaks ("Delegate · 代表"), else its one."""
    spoken = {code for code, _name in settings.LANGUAGES}
    languages = [code for code in event.languages if code in spoken][:2]
    return languages or [settings.LANGUAGE_CODE]


def in_badge_languages(languages: list[str], word) -> str:
    """A badge word in each of the badge's languages, once if they say it alike."""
    return " · ".join(said_in(languages, word))


def role_label(role: str) -> str:
    labels = {
        ORGANISER: pgettext("badge role", "Organiser"),
        STAFF: _("Staff"),
        CHAIR: _("Chair"),
        SPEAKER: _("Speaker"),
        BadgeRole.PRESS: _("Press"),
        BadgeRole.ATTENDEE: _("Attendee"),
    }
    return str(labels[role])


def _team(event: Event) -> tuple[dict[int, str], dict[str, str]]:
    """The team's badge role (organiser, or staff for check-in) by user id and by email."""
    by_user: dict[int, str] = {}
    by_email: dict[str, str] = {}
    for user_id, email, role in TeamMember.objects.filter(event=event).values_list(
        "user_id", "user__email", "role"
    ):
        kind = STAFF if role == TeamMember.Role.CHECKIN else ORGANISER
        by_user[user_id] = kind
        if email:
            by_email[email.lower()] = kind
    return by_user, by_email


def _agenda(event: Event) -> tuple[dict[int, set[str]], dict[str, set[str]]]:
    """The roles people have in sessions that are not cancelled, by user id and by email."""
    by_user: dict[int, set[str]] = defaultdict(set)
    by_email: dict[str, set[str]] = defaultdict(set)
    for role, user_id, email in (
        SessionRole.objects.filter(session__event=event)
        .exclude(session__status=SessionStatus.CANCELLED)
        .filter(Q(person__user__isnull=False) | ~Q(person__email=""))
        .values_list("role", "person__user_id", "person__email")
    ):
        if user_id:
            by_user[user_id].add(role)
        if email:
            by_email[email.lower()].add(role)
    return by_user, by_email


def badge_roles(event: Event, registrations: Iterable[Registration]) -> dict[int, str]:
    """Each registration's role at the event, by registration id. A ticket's own badge role
    (press, staff, attendee) comes first; otherwise the event's team are organisers (check-in
    staff: staff), people on the agenda chair (chair, moderator, facilitator, host) or speak
    (speaker, panellist, rapporteur) in a session that is not cancelled, and everyone else
    attends. People are matched by their user account or, failing that, their email (in any
    case). Two queries, however many registrations."""
    team_by_user, team_by_email = _team(event)
    agenda_by_user, agenda_by_email = _agenda(event)
    roles = {}
    for registration in registrations:
        email = registration.email.lower()
        if registration.ticket.badge_role:
            roles[registration.pk] = registration.ticket.badge_role
            continue
        team = team_by_user.get(registration.user_id) or team_by_email.get(email)
        agenda = agenda_by_user.get(registration.user_id, set()) | agenda_by_email.get(email, set())
        if team:
            roles[registration.pk] = team
        elif agenda & CHAIRING_ROLES:
            roles[registration.pk] = CHAIR
        elif agenda & SPEAKING_ROLES:
            roles[registration.pk] = SPEAKER
        else:
            roles[registration.pk] = BadgeRole.ATTENDEE
    return roles


def event_when(event: Event) -> str:
    """ "3 November 2026 – 4 November 2026 · Shenzhen": the event's own dates (local to it by
    definition) and where it happens."""
    when = date_range(event.start_date, event.end_date)
    venue = getattr(event, "venue", None)
    return f"{when} · {venue.city}" if venue is not None and venue.city else when


def badges_for(event: Event, registrations: list[Registration]) -> list[Badge]:
    """The badges of these registrations (with their ticket and organisation loaded), in the
    badge language; two queries for the roles, none per badge."""
    roles = badge_roles(event, registrations)
    languages = badge_languages(event)
    modes = {mode: in_badge_languages(languages, label) for mode, label in PERSON_MODE_CHOICES}
    labels = {
        role: in_badge_languages(languages, lambda role=role: role_label(role))
        for role in set(roles.values())
    }
    first = badge_language(event)
    with translation.override(first):
        title, when = event.title.localize(first), event_when(event)
        return [
            Badge(
                name=registration.name,
                organisation=registration.organization.name if registration.organization else "",
                country=str(registration.country.name) if registration.country else "",
                role=labels[roles[registration.pk]],
                mode=registration.mode,
                mode_label=modes.get(registration.mode, registration.mode),
                secret=registration.badge_secret or "",
                event_title=title,
                event_when=when,
            )
            for registration in registrations
        ]


@dataclass(frozen=True)
class LeftOut:
    """A badge text that prints without some of its characters, no bundled font having them."""

    reference: str  # the registration's; "" for the event's title, on every badge
    text: str
    characters: tuple[str, ...]
    nothing_left: bool  # no character of it prints: the badge goes without it


def badge_texts_left_out(
    event: Event, people: Iterable[tuple[str, str, str | None]]
) -> list[LeftOut]:
    """The texts of these badges, given as (reference, name, organisation), and the event's
    title, that print without some of their characters (an emoji, a script no bundled font
    has), for the organisers to see before they print. No query."""
    found = []
    title = event.title.localize(badge_language(event))
    for reference, *texts in [("", title), *people]:
        for text in texts:
            printed, missing = printable(text or "")
            if missing:
                found.append(LeftOut(reference, text, missing, not printed))
    return found


def badge_pdf(registration: Registration) -> bytes:
    """One attendee's badge, an A6 page."""
    [badge] = badges_for(registration.event, [registration])
    return render([badge], Layout.A6, title=_("Badge: %(name)s") % {"name": registration.name})


def badge_pdf_or_none(registration: Registration) -> bytes | None:
    """For the confirmation mail, which matters more than its attachment: when the badge cannot
    be drawn the mail goes without it (the attendee's page has it too) and this is logged."""
    try:
        return badge_pdf(registration)
    except Exception:
        logger.exception("Could not draw the badge of %s", registration.reference)
        return None


def badge_png(registration: Registration, *, dpi: int = 300) -> bytes:
    """The same badge as a picture: the PDF page rasterised, 1240 x 1748 pixels at 300 dpi."""
    return rasterise(badge_pdf(registration), dpi=dpi)


def badge_filename(registration: Registration, extension: str) -> str:
    return f"badge-{registration.event.slug}-{registration.reference}.{extension}"
