"""Adding and removing a session's or the event's materials (slides, documents, recording links,
photos). Files go to the default storage under a random name; the original name, the type
from the allow-list and the size are kept on the row for the download view."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import InvalidInput, PermissionDenied
from confman.core.validation import validate
from events.models import Event
from sessions.materials import check_upload, may_edit_materials
from sessions.models import Material, MaterialAudience, MaterialKind, Session

# A second identical upload by the same person within this time is the same one sent twice.
SAME_UPLOAD_WINDOW = timedelta(minutes=10)


def require_material_editor(by: User | None, event: Event, session: Session | None) -> None:
    """Raise unless `by` may add and remove these materials; `by=None` is the system itself."""
    if by is None or may_edit_materials(by, event, session):
        return
    if session is None:
        message = _("Only the event's organisers may change the event's materials.")
    else:
        message = _(
            "Only the event's organisers and the chairs and speakers of “%(title)s” may change "
            "its materials."
        ) % {"title": session.title}
    raise PermissionDenied(message, code="not_material_editor")


def _touch(event: Event, session: Session | None) -> None:
    # The public exports and the API's updated_since follow updated_at: a public material added
    # or removed must give them a new version (the cached schedule is keyed on the event's).
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(updated_at=now)
    if session is not None:
        Session.objects.filter(pk=session.pk).update(updated_at=now)


def _check_given(kind: str, file, url: str) -> None:
    """A file or a link, one of them; a recording or a link by its address."""
    if file and url:
        raise InvalidInput.for_fields({"url": [_("Give a file or a link, not both.")]})
    if not file and not url:
        raise InvalidInput.for_fields(
            {"file": [_("Choose a file to upload, or give a link below.")]}
        )
    if kind in (MaterialKind.RECORDING, MaterialKind.LINK) and not url:
        raise InvalidInput.for_fields(
            {"url": [_("A recording or a link is given by its https:// address, not a file.")]}
        )


@transaction.atomic
def material_add(
    *,
    event: Event,
    session: Session | None = None,
    by: User | None,
    kind: str,
    title,
    file=None,
    url: str = "",
    audience: str = MaterialAudience.PUBLIC,
    language: str = "",
    order: int = 0,
) -> Material:
    """Add a file or an https link to the session (or, with session=None, to the event).
    Idempotent: the same link, or the same file (name and size) sent again by the same person
    within ten minutes, answers the material already there. A stored file whose row could not
    be written is deleted again."""
    if session is not None and session.event_id != event.pk:
        raise InvalidInput.for_fields({"session": [_("This session belongs to another event.")]})
    require_material_editor(by, event, session)
    _check_given(kind, file, url)
    material = Material(
        event=event,
        session=session,
        kind=kind,
        title=title,
        url=url,
        audience=audience,
        language=language or "",
        order=order,
        added_by=by,
    )
    same = Material.objects.filter(event=event, session=session)
    if file:
        file_type, filename = check_upload(file)
        material.filename, material.content_type = filename, file_type.content_type
        material.size = file.size
        earlier = same.filter(
            filename=filename,
            size=file.size,
            added_by=by,
            added_at__gte=timezone.now() - SAME_UPLOAD_WINDOW,
        ).first()
        if earlier is not None:
            return earlier
        material.file.save("file", file, save=False)
    else:
        earlier = same.filter(url=url).first()
        if earlier is not None:
            return earlier
    stored = material.file.name if file else ""
    try:
        validate(material, {"material_file_or_link": "file"})
        material.save()
    except Exception:
        if stored:
            default_storage.delete(stored)
        raise
    if material.is_public:
        _touch(event, session)
    return material


@transaction.atomic
def material_remove(*, material: Material, by: User | None) -> None:
    """Remove the material, and its stored file once the removal is committed. Idempotent: a
    material already removed is no error."""
    session = material.session
    require_material_editor(by, material.event, session)
    row = Material.objects.select_for_update().filter(pk=material.pk).first()
    if row is None:
        return
    stored = row.file.name
    row.delete()
    if stored:
        transaction.on_commit(lambda: default_storage.delete(stored))
    if row.is_public:
        _touch(material.event, session)
