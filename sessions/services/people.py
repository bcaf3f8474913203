"""The programme's people (speakers, chairs, moderators ...) and their roles in sessions. A
person's public details, when they change, are logged against each public session they are in,
so that calendars and live pages update."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from confman.core.exceptions import Conflict, InvalidInput
from confman.core.validation import validate
from events.models import Event
from sessions.conflicts import (
    Placement,
)
from sessions.models import (
    CONSTRAINT_FIELDS,
    Person,
    Session,
    SessionRole,
    UpdateKind,
)
from sessions.permissions import require_organiser
from sessions.services.programme import (
    change_is_public,
    conflicts_check,
    overrides_record,
    people_snapshot,
    person_ref,
    programme_lock,
    role_add,
    session_reread,
    update_record,
)


@transaction.atomic
def role_assign(
    *,
    session: Session,
    by: User | None,
    person: Person,
    role: str,
    override: bool = False,
) -> SessionRole:
    """Give a person a role in a session (idempotent for the same person and role). A person who
    is already in an overlapping session blocks, unless the organiser overrides explicitly."""
    require_organiser(by, session.event)
    programme = programme_lock(session.event)
    session = session_reread(session)
    existing = SessionRole.objects.filter(session=session, person=person, role=role).first()
    if existing:
        return existing
    if person.event_id != session.event_id:
        raise InvalidInput.for_fields({"person": [_("This person belongs to another event.")]})
    overridden = []
    if not session.roles.filter(person=person).exists():
        overridden = conflicts_check(
            session,
            Placement.of(session),
            by=by,
            override=override,
            person_ids=[person.pk],
            people_only=True,
        )
    before = people_snapshot(session)
    order = (session.roles.aggregate(last=Max("order"))["last"] or 0) + 1
    link = role_add(session, person, role, order if before else 0)
    overrides_record(session, overridden, by)
    _touch(session)
    if change_is_public(programme, session.status):
        update_record(
            programme,
            kind=UpdateKind.PEOPLE,
            session=session,
            changes={"people": {"before": before, "after": people_snapshot(session)}},
            overridden=overridden,
            by=by,
        )
    return link


@transaction.atomic
def role_remove(*, link: SessionRole, by: User | None) -> None:
    require_organiser(by, link.session.event)
    programme = programme_lock(link.session.event)
    session = session_reread(link.session)
    before = people_snapshot(session)
    changes = {}
    if (
        session.next_speaker_id == link.person_id
        and not session.roles.filter(person_id=link.person_id).exclude(pk=link.pk).exists()
    ):
        changes["next_speaker"] = {"before": person_ref(session.next_speaker), "after": None}
        session.next_speaker = None
    link.delete()
    session.save(update_fields=["next_speaker", "updated_at"])
    if change_is_public(programme, session.status):
        changes["people"] = {"before": before, "after": people_snapshot(session)}
        update_record(programme, kind=UpdateKind.PEOPLE, session=session, changes=changes, by=by)


PERSON_FIELDS = frozenset(
    {"honorific", "name", "position", "organization", "country", "bio", "email", "user"}
)


@transaction.atomic
def person_create(*, event: Event, by: User | None, **fields: Any) -> Person:
    require_organiser(by, event)
    programme_lock(event)
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    person = Person(event=event, **fields)
    validate(person, CONSTRAINT_FIELDS)
    person.save()
    return person


@transaction.atomic
def person_add_to_session(
    *, session: Session, by: User | None, role: str, override: bool = False, **fields: Any
) -> tuple[Person, SessionRole]:
    """A new person of the event, with a role in `session`: both or neither, so nobody is left
    on the event's list when the role cannot be given (a conflict, say)."""
    person = person_create(event=session.event, by=by, **fields)
    return person, role_assign(session=session, by=by, person=person, role=role, override=override)


@transaction.atomic
def person_update(*, person: Person, by: User | None, **changes: Any) -> Person:
    """Change a person's details. What the programme shows of them (name, honorific, position,
    organisation, country) is logged as a people change of each of their public sessions, so
    that calendars and live pages update; the private fields (email, account) are not."""
    require_organiser(by, person.event)
    programme = programme_lock(person.event)
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        raise InvalidInput.for_fields({name: [_("unknown field")] for name in sorted(unknown)})
    before = _public_person(person)
    changed = False
    for name, value in changes.items():
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    if not changed:
        return person
    validate(person, CONSTRAINT_FIELDS)
    person.save()
    after = _public_person(person)
    if after == before:
        return person
    sessions = Session.objects.filter(roles__person=person).distinct().order_by("start", "pk")
    Session.objects.filter(pk__in=sessions.values("pk")).update(updated_at=timezone.now())
    for session in sessions:
        if change_is_public(programme, session.status):
            update_record(
                programme,
                kind=UpdateKind.PEOPLE,
                session=session,
                changes={"person": {"before": before, "after": after}},
                by=by,
            )
    return person


def _public_person(person: Person) -> dict[str, Any]:
    org = person.organization
    return {
        "id": person.pk,
        "name": person.display_name,
        "position": person.position,
        "organization": org.name if org else "",
        "country": person.country.code or "",
    }


def _touch(session: Session) -> None:
    """Mark a session changed (its people), for readers that ask what changed since when."""
    Session.objects.filter(pk=session.pk).update(updated_at=timezone.now())


@transaction.atomic
def person_delete(*, person: Person, by: User | None) -> None:
    require_organiser(by, person.event)
    programme_lock(person.event)  # no role can be added meanwhile
    count = person.roles.count()
    if count:
        raise Conflict(
            ngettext(
                "%(person)s has %(count)s role in a session; remove it from that session first.",
                "%(person)s has %(count)s roles in sessions; remove them from those sessions "
                "first.",
                count,
            )
            % {"person": person.display_name, "count": count},
            code="person_has_roles",
        )
    person.delete()
