"""Every write to events, rooms, tracks, organisations, teams and API tokens goes through here,
whether it comes from the API, a page or the admin."""

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from confman.core.exceptions import (
    Conflict,
    DomainError,
    NotAuthenticated,
    PermissionDenied,
)
from confman.core.fastpaths.prepared import PreparedQuery
from confman.core.validation import validated_save
from events.models import (
    CONSTRAINT_FIELDS,
    ApiToken,
    Event,
    EventOrganization,
    Organization,
    Room,
    TeamMember,
    Track,
    hash_token,
)
from events.permissions import Action, can_create_events, events_for, require_event_permission
from events.signals import event_changed

logger = logging.getLogger(__name__)


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
            _("You may not create events. Ask an administrator to add you to the Organisers group.")
        )
    if not creating:
        require_event_permission(by, event, Action.CHANGE)
    validated_save(event, CONSTRAINT_FIELDS)
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


EventPart = Room | Track


@transaction.atomic
def event_part_create(
    *, model: type[EventPart], event: Event, by: User, **fields: Any
) -> EventPart:
    """Add a room or a track to the event."""
    require_event_permission(by, event, Action.CHANGE)
    return validated_save(model(event=event, **fields), CONSTRAINT_FIELDS)


@transaction.atomic
def event_part_update(*, part: EventPart, by: User, **changes: Any) -> EventPart:
    """Change a room or a track; nothing is written when nothing changes."""
    require_event_permission(by, part.event, Action.CHANGE)
    if _apply(part, changes):
        validated_save(part, CONSTRAINT_FIELDS)
    return part


@transaction.atomic
def event_part_delete(*, part: EventPart, by: User) -> None:
    require_event_permission(by, part.event, Action.CHANGE)
    try:
        part.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        blocking = getattr(exc, "protected_objects", None) or exc.restricted_objects
        raise Conflict(
            ngettext(
                "“%(name)s” still has %(count)s session; move it to another room first "
                "(a cancelled session too: it stays on the programme).",
                "“%(name)s” still has %(count)s sessions; move them to another room first "
                "(cancelled sessions too: they stay on the programme).",
                len(blocking),
            )
            % {"name": part, "count": len(blocking)},
            code="room_in_use",
        ) from None


@transaction.atomic
def organization_create(*, by: User, **fields: Any) -> Organization:
    """Add an organisation to the shared registry (names are unique per country)."""
    if not (by.is_superuser or by.has_perm("events.add_organization")):
        raise PermissionDenied(
            _(
                "You may not add organisations. Ask an administrator to add you to the "
                "Organisers group."
            )
        )
    return validated_save(Organization(**fields), CONSTRAINT_FIELDS)


@transaction.atomic
def organizations_accept(*, organizations: models.QuerySet[Organization], by: User) -> int:
    """Accept organisations that registrants typed into the shared registry: each becomes
    listed, or, when the registry has one of the same name and country already, is merged into
    it (its registrants, people and roles then point there). Only an organiser who may change
    the event it was typed for may. Returns how many were accepted."""
    mine = events_for(by, Action.CHANGE).values("pk")
    proposed = organizations.filter(listed=False)
    if not by.is_superuser:
        if not by.has_perm("events.change_organization"):
            raise PermissionDenied(_("You may not change organisations."))
        proposed = proposed.filter(proposed_at__in=mine)
    accepted = 0
    for organization in proposed.select_for_update():
        twin = Organization.objects.filter(
            listed=True, name__iexact=organization.name, country=organization.country
        ).first()
        if twin is None:
            organization.listed = True
            validated_save(organization, CONSTRAINT_FIELDS, update_fields=["listed"])
        else:
            _organization_merge(organization, into=twin)
        accepted += 1
    return accepted


def _organization_merge(organization: Organization, *, into: Organization) -> None:
    """Point everything at `organization` to `into` (whichever app it is in), then delete it."""
    # A role the twin has at the same event already would clash: the twin's stays.
    twin_has_it = EventOrganization.objects.filter(
        organization=into, event=models.OuterRef("event"), role=models.OuterRef("role")
    )
    EventOrganization.objects.filter(organization=organization).filter(
        models.Exists(twin_has_it)
    ).delete()
    for relation in Organization._meta.related_objects:
        if relation.one_to_many:
            relation.related_model.objects.filter(**{relation.field.name: organization}).update(
                **{relation.field.name: into}
            )
    organization.delete()


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
    return validated_save(
        EventOrganization(event=event, organization=organization, role=role, order=order),
        CONSTRAINT_FIELDS,
    )


@transaction.atomic
def event_organization_remove(*, link: EventOrganization, by: User) -> None:
    require_event_permission(by, link.event, Action.CHANGE)
    link.delete()


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
                _("The event needs at least one owner: make someone else owner first."),
                code="last_owner",
            )
        member.role = role
        validated_save(member, CONSTRAINT_FIELDS)
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
        raise DomainError(
            _("%(user)s is not active; activate the account first.") % {"user": user.get_username()}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise DomainError(_("The expiry date is in the past; give a future date or none."))
    plaintext = settings.CONFMAN_API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=plaintext[:10],
        token_hash=hash_token(plaintext),
        expires_at=expires_at,
    )
    validated_save(token, CONSTRAINT_FIELDS)
    return token, plaintext


# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Every API call of a check-in desk starts here.
_TOKEN = PreparedQuery(
    lambda p: ApiToken.objects.select_related("user").filter(
        token_hash=p.str("hash"), revoked_at__isnull=True
    )
)


def api_token_authenticate(plaintext: str) -> User:
    """The active user of a valid API token (confman.core.auth calls it for every bearer token,
    as settings.API_TOKEN_AUTHENTICATE), or NotAuthenticated saying what to do. Notes when the
    token was last used, at most once a minute."""
    try:
        token = _TOKEN.get(hash=hash_token(plaintext))
    except ApiToken.DoesNotExist:
        token = None
    now = timezone.now()
    if token is None or not token.user.is_active:
        raise NotAuthenticated(
            _(
                "This API token is not valid: it is unknown or was revoked. Create a new one in "
                "the back office (API tokens) or with `python manage.py create_api_token USERNAME`."
            )
        )
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated(
            _("This API token expired at %(when)s. Create a new one.")
            % {"when": token.expires_at.isoformat()}
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice keeps the first time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


ORGANISERS_GROUP = "Organisers"
ORGANISER_PERMISSIONS = {
    "events": {
        "event": ["view", "add", "change", "delete"],
        "room": ["view", "add", "change", "delete"],
        "track": ["view", "add", "change", "delete"],
        "eventorganization": ["view", "add", "change", "delete"],
        "teammember": ["view", "add", "change", "delete"],
        "organization": ["view", "add", "change"],
        "venue": ["view", "add", "change"],
        "apitoken": ["view", "add", "change"],
    },
    "agenda": {
        "person": ["view", "add", "change", "delete"],
        "session": ["view", "change"],
        "sessionupdate": ["view"],
    },
    "registrations": {
        "tickettype": ["view", "add", "change", "delete"],
        "quota": ["view", "add", "change"],
        "question": ["view", "add", "change", "delete"],
        "registrationsettings": ["view", "add", "change"],
    },
    # The README's "organisers add streams in the back office".
    "livestream": {
        "stream": ["view", "add", "change", "delete"],
    },
}


def organisers_group_ensure() -> Group:
    """The "Organisers" group, whose members may use the back office and create events (what
    they may do on each event is still decided by their role on its team). Idempotent; run
    after every migrate."""
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    for app_label, models_verbs in ORGANISER_PERMISSIONS.items():
        wanted = [f"{verb}_{model}" for model, verbs in models_verbs.items() for verb in verbs]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=wanted)
        )
    return group
