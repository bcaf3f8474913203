"""Session and event materials, the rules and reads: which files are accepted (by extension AND
by their first bytes), who may add and remove them, who counts as one of a session's people,
and the lists that pages, the API and the exports show. The writes are in
sessions.services.materials; the download view, which needs registrations, is
registrations.views.materials."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confman.core.exceptions import InvalidInput
from events.models import Event
from events.permissions import Action, has_event_permission
from sessions.models import (
    CHAIRING_ROLES,
    Material,
    MaterialAudience,
    RoleKind,
    Session,
    SessionRole,
    SessionStatus,
)

# The roles that may add their session's materials: those who run it and those who speak.
EDITING_ROLES = frozenset({*CHAIRING_ROLES, RoleKind.SPEAKER, RoleKind.PANELLIST})

SNIFF_BYTES = 8192


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    check: str  # how the first bytes are checked: see _looks_like


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ODP = "application/vnd.oasis.opendocument.presentation"
_ODT = "application/vnd.oasis.opendocument.text"
_ODS = "application/vnd.oasis.opendocument.spreadsheet"

# By extension: what the download says the file is (never the uploading browser's claim).
FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", "pdf"),
    "pptx": FileType("PowerPoint", _PPTX, "ppt/"),
    "docx": FileType("Word", _DOCX, "word/"),
    "xlsx": FileType("Excel", _XLSX, "xl/"),
    "odp": FileType("OpenDocument", _ODP, _ODP),
    "odt": FileType("OpenDocument", _ODT, _ODT),
    "ods": FileType("OpenDocument", _ODS, _ODS),
    "png": FileType("PNG", "image/png", "png"),
    "jpg": FileType("JPEG", "image/jpeg", "jpeg"),
    "jpeg": FileType("JPEG", "image/jpeg", "jpeg"),
    "webp": FileType("WebP", "image/webp", "webp"),
    "txt": FileType(gettext_lazy("Text"), "text/plain; charset=utf-8", "text"),
    "csv": FileType("CSV", "text/csv; charset=utf-8", "text"),
}
TYPE_LABELS = {t.content_type: t.label for t in FILE_TYPES.values()}


def accepted_types() -> str:
    return ", ".join(f".{extension}" for extension in FILE_TYPES)


def _zip_names(upload) -> list[str] | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as entry:  # 100 bytes, whatever it unpacks to
                    names.append("mimetype=" + entry.read(100).decode("ascii", "replace"))
            return names
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    finally:
        upload.seek(0)


_MAGIC = {
    "pdf": lambda head: head.startswith(b"%PDF-"),
    "png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "webp": lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
}


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut at the end of the sample is still text.
        return len(head) == SNIFF_BYTES and exc.start >= len(head) - 3
    return True


def _looks_like(check: str, head: bytes, upload) -> bool:
    if check in _MAGIC:
        return _MAGIC[check](head)
    if check == "text":
        return _is_text(head)
    # Office documents are zip archives: OOXML's parts sit in ppt/, word/ or xl/; an
    # OpenDocument names its own type in its `mimetype` entry.
    if not head.startswith(b"PK\x03\x04"):
        return False
    names = _zip_names(upload)
    if names is None:
        return False
    if check.startswith("application/"):
        return f"mimetype={check}" in names
    return "[Content_Types].xml" in names and any(name.startswith(check) for name in names)


def clean_filename(name: str, extension: str) -> str:
    """The original name as a download may offer it: no folders, no control characters or
    characters file systems refuse, at most 200 characters, its extension kept."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[<>:"|?*]', "", name)
    name = re.sub(r"\s+", " ", name).strip()
    stem = name[: -(len(extension) + 1)] if name.lower().endswith("." + extension) else name
    stem = stem.strip(" .")[: 190 - len(extension)] or "material"
    return f"{stem}.{extension}"


def check_upload(upload) -> tuple[FileType, str]:
    """The type of an uploaded file and its cleaned name, or InvalidInput (on `file`) saying what
    is accepted: too large, an extension not on the list, or first bytes that are not what the
    extension says."""
    limit = settings.MATERIAL_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput.for_fields(
            {
                "file": [
                    _(
                        "The file is %(size)s; the limit is %(limit)s. Share a smaller file, "
                        "or a link to it."
                    )
                    % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
                ]
            }
        )
    extension = (upload.name or "").rsplit(".", 1)[-1].lower() if "." in (upload.name or "") else ""
    kind = FILE_TYPES.get(extension)
    if kind is None:
        raise InvalidInput.for_fields(
            {
                "file": [
                    _("Files of this type are not accepted. Accepted: %(types)s.")
                    % {"types": accepted_types()}
                ]
            }
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not _looks_like(kind.check, head, upload):
        raise InvalidInput.for_fields(
            {
                "file": [
                    _(
                        "This file is not the %(label)s file its name (.%(extension)s) says it "
                        "is. Accepted: %(types)s, each with its usual extension."
                    )
                    % {"label": kind.label, "extension": extension, "types": accepted_types()}
                ]
            }
        )
    return kind, clean_filename(upload.name, extension)


# --- who -------------------------------------------------------------------------------------


def _signed_in(user: User | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_session_person(
    user: User | AnonymousUser | None, session: Session, roles: frozenset | None = None
) -> bool:
    """Is the user linked to a person of the session (in one of `roles`, any role if None)?"""
    if not _signed_in(user):
        return False
    links = SessionRole.objects.filter(session=session, person__user=user)
    if roles is not None:
        links = links.filter(role__in=roles)
    return links.exists()


def may_edit_materials(
    user: User | AnonymousUser | None, event: Event, session: Session | None
) -> bool:
    """The event's organisers for any session and for the event; a session's chairs and
    speakers for their own session."""
    if has_event_permission(user, event, Action.MANAGE_AGENDA):
        return True
    return session is not None and is_session_person(user, session, EDITING_ROLES)


# --- reads -----------------------------------------------------------------------------------


def event_materials(event: Event) -> QuerySet[Material]:
    """The materials of the whole event (of no session), in their order."""
    return Material.objects.filter(event=event, session__isnull=True)


def session_materials(session: Session) -> QuerySet[Material]:
    return Material.objects.filter(session=session)


def public_materials_by_session(sessions: list[Session]) -> dict[int, list[Material]]:
    """The public materials of these sessions, in their order: one query."""
    by_session: dict[int, list[Material]] = {session.pk: [] for session in sessions}
    if not by_session:
        return by_session
    for material in Material.objects.filter(
        session_id__in=list(by_session), audience=MaterialAudience.PUBLIC
    ):
        by_session[material.session_id].append(material)
    return by_session


def ended_sessions_with_materials(event: Event, now: datetime) -> list[Session]:
    """Public sessions of the last day that have ended (marked so, or past their end) and have
    materials, the latest first, each with `materials_shown` (two queries)."""
    sessions = list(
        Session.objects.public()
        .filter(event=event, start__gte=now - timedelta(hours=24))
        .filter(Q(status=SessionStatus.ENDED) | Q(end__lte=now, status=SessionStatus.SCHEDULED))
        .filter(materials__isnull=False)
        .distinct()
        .order_by("-end", "pk")
    )
    # Past its end counts once the delay a chair reported has passed too.
    sessions = [s for s in sessions if s.status == SessionStatus.ENDED or s.actual_end <= now]
    by_session: dict[int, list[Material]] = {session.pk: [] for session in sessions}
    for material in Material.objects.filter(session_id__in=list(by_session)):
        by_session[material.session_id].append(material)
    for session in sessions:
        session.event = event  # their pages' addresses need its slug, not a query each
        session.materials_shown = by_session[session.pk]
    return sessions


def download_url(material: Material, event: Event) -> str:
    """The address of the download view (absolute): the one way to a stored file."""
    path = reverse("registrations:material", kwargs={"slug": event.slug, "pk": material.pk})
    return settings.SITE_URL + path


def material_href(material: Material, event: Event) -> str:
    """Where a material opens, for the API and the exports: its link, or the download view."""
    return material.url or download_url(material, event)
