"""Every write to events, rooms, tracks, organisations, teams and API tokens goes through here,
whether it comes from the API, a page or the admin."""

import secrets
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from confman.exceptions import Conflict, DomainError, InvalidInput, PermissionDenied
from events.models import (
    ApiToken,
    Event,
    EventOrganization,
    Organization,
    Room,
    TeamMember,
    Track,
    hash_token,
)
from events.permissions import Action, can_create_events, require_event_permission
from events.signals import event_changed


def _validation_problems(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("request" if field == NON_FIELD_ERRORS else field): [
                message for e in errors for message in e.messages
            ]
            for field, errors in error.error_dict.items()
        }
    return {"request": list(error.messages)}


def validated_save(instance: models.Model, **save_kwargs: Any) -> models.Model:
    """Run the model's validation (fields, choices, constraints) and save, turning what is wrong
    into one 422 that names each field."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise InvalidInput.for_fields(_validation_problems(exc)) from None
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as exc:
        # A concurrent write slipped past full_clean's uniqueness check.
        raise Conflict(
            f"This {instance._meta.verbose_name} clashes with one saved a moment ago; "
            "reload and try again.",
            details={"database": str(exc).splitlines()[0]},
        ) from None
    return instance


def _apply(instance: models.Model, changes: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in changes.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append(field)
    return changed


@transaction.atomic
def event_save(*, event: Event, by: User) -> Event:
    """Validate and save an event built or changed by the caller (the API, the admin). A new
    event gets its creator as owner; a changed one is announced to its live audience after
    commit."""
    creating = event._state.adding
    if creating and not can_create_events(by):
        raise PermissionDenied(
            "You may not create events. Ask an administrator to add you to the Organisers group."
        )
    if not creating:
        require_event_permission(by, event, Action.CHANGE)
    validated_save(event)
    if creating:
        TeamMember.objects.create(event=event, user=by, role=TeamMember.Role.OWNER)
    else:
        transaction.on_commit(lambda: event_changed.send(sender=Event, event_id=event.pk))
    return event


def event_create(*, by: User, **fields: Any) -> Event:
    """Create an event and make its creator the owner of its team."""
    return event_save(event=Event(**fields), by=by)


def event_update(*, event: Event, by: User, **changes: Any) -> Event:
    """Change an event's details; nothing is written when nothing changes."""
    require_event_permission(by, event, Action.CHANGE)
    if not _apply(event, changes):
        return event
    return event_save(event=event, by=by)


@transaction.atomic
def room_create(*, event: Event, by: User, **fields: Any) -> Room:
    require_event_permission(by, event, Action.CHANGE)
    return validated_save(Room(event=event, **fields))


@transaction.atomic
def room_update(*, room: Room, by: User, **changes: Any) -> Room:
    require_event_permission(by, room.event, Action.CHANGE)
    if _apply(room, changes):
        validated_save(room)
    return room


@transaction.atomic
def room_delete(*, room: Room, by: User) -> None:
    require_event_permission(by, room.event, Action.CHANGE)
    room.delete()


@transaction.atomic
def track_create(*, event: Event, by: User, **fields: Any) -> Track:
    require_event_permission(by, event, Action.CHANGE)
    return validated_save(Track(event=event, **fields))


@transaction.atomic
def track_update(*, track: Track, by: User, **changes: Any) -> Track:
    require_event_permission(by, track.event, Action.CHANGE)
    if _apply(track, changes):
        validated_save(track)
    return track


@transaction.atomic
def track_delete(*, track: Track, by: User) -> None:
    require_event_permission(by, track.event, Action.CHANGE)
    track.delete()


@transaction.atomic
def organization_create(*, by: User, **fields: Any) -> Organization:
    """Add an organisation to the shared registry (names are unique per country)."""
    if not (by.is_superuser or by.has_perm("events.add_organization")):
        raise PermissionDenied(
            "You may not add organisations. Ask an administrator to add you to the Organisers "
            "group."
        )
    return validated_save(Organization(**fields))


@transaction.atomic
def event_organization_add(
    *, event: Event, by: User, organization: Organization, role: str, order: int = 0
) -> EventOrganization:
    """Give an organisation a role in the event; idempotent for the same organisation and role."""
    require_event_permission(by, event, Action.CHANGE)
    existing = EventOrganization.objects.filter(
        event=event, organization=organization, role=role
    ).first()
    if existing:
        return existing
    link = validated_save(
        EventOrganization(event=event, organization=organization, role=role, order=order)
    )
    transaction.on_commit(lambda: event_changed.send(sender=Event, event_id=event.pk))
    return link


@transaction.atomic
def event_organization_remove(*, link: EventOrganization, by: User) -> None:
    require_event_permission(by, link.event, Action.CHANGE)
    event_id = link.event_id
    link.delete()
    transaction.on_commit(lambda: event_changed.send(sender=Event, event_id=event_id))


@transaction.atomic
def team_member_set(*, event: Event, by: User | None, user: User, role: str) -> TeamMember:
    """Put a user on the event's team with this role (or change their role). `by=None` is the
    system itself (demo data, management commands)."""
    if by is not None:
        require_event_permission(by, event, Action.MANAGE_TEAM)
    member, _ = TeamMember.objects.select_for_update().get_or_create(
        event=event, user=user, defaults={"role": role}
    )
    if member.role != role:
        if member.role == TeamMember.Role.OWNER and not _has_other_owner(event, user):
            raise DomainError(
                "The event needs at least one owner: make someone else owner first.",
                code="last_owner",
            )
        member.role = role
        validated_save(member)
    return member


def _has_other_owner(event: Event, user: User) -> bool:
    return (
        TeamMember.objects.filter(event=event, role=TeamMember.Role.OWNER)
        .exclude(user=user)
        .exists()
    )


def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for `user`. Returns the stored token and the plaintext, which is not
    kept anywhere and cannot be shown again."""
    if not user.is_active:
        raise DomainError(f"{user.get_username()} is not active; activate the account first.")
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError("The expiry date is in the past; give a future date or none.")
    plaintext = settings.CONFMAN_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=plaintext[:10],
        token_hash=hash_token(plaintext),
        expires_at=expires_at,
    )
    validated_save(token)
    return token, plaintext


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
