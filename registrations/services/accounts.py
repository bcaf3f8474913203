"""Participants' accounts, without a password.

A registration made by someone not signed in gets an account of its own the first time its
private link is opened: no password, named after the registration, holding only it. The browser
that opens the link is signed in to that account, so the agenda's bookmarks, "my agenda" and the
personal calendar work for the person without a password. The private link never signs in to
any other account: it may have been typed by someone who does not own the address.

Whoever proves they own an address, by a sign-in link mailed to it (single use, short-lived),
signs in to the account of that address: the one with a password if there is one, else a
participant's. Signing in this way joins every registration of the address, at every event, to
that account, and folds the participant accounts made for them into it (bookmarks and calendar
addresses included)."""

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction

from registrations.models import Registration, with_address
from sessions.models import Bookmark, CalendarFeedToken

PARTICIPANT_PREFIX = "participant-"
# Who signs a browser in without a password names the backend (settings has two).
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 (not a password)


def is_participant_account(user: User) -> bool:
    """An account made for registrants: no password, no back office."""
    return (
        user.username.startswith(PARTICIPANT_PREFIX)
        and not user.has_usable_password()
        and not user.is_staff
        and not user.is_superuser
    )


def _new_participant(email: str, name: str) -> User:
    user = User(
        username=PARTICIPANT_PREFIX + secrets.token_hex(8),
        email=email,
        first_name=name[:150],
    )
    user.set_unusable_password()
    user.save()
    return user


def registration_account(registration: Registration) -> User:
    """The registration's account: the one it was made by or joined to, else a new
    participant's account for it alone (made under the registration's lock, once)."""
    if registration.user_id is not None:
        return registration.user
    return _registration_account_made(registration)


@transaction.atomic
def _registration_account_made(registration: Registration) -> User:
    locked = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=registration.pk)
    )
    if locked.user is None:
        locked.user = _new_participant(locked.email, locked.name)
        locked.save(update_fields=["user", "updated_at"])
    registration.user = locked.user
    return locked.user


def may_sign_in_by_link(user: User) -> bool:
    """Whether a registration's private link may sign a browser in to `user`."""
    return user.is_active and is_participant_account(user)


# --- signing in by a link mailed to the address ---------------------------------------------


def account_for_address(email: str) -> User | None:
    """The account a sign-in link for `email` opens: the address's account with a password,
    else its participant account, else a new participant account when the address has a
    registration; None for an address we know nothing of."""
    users = with_address(User.objects, email).filter(is_active=True)
    with_password = [u for u in users if u.has_usable_password()]
    if with_password:
        return max(with_password, key=lambda u: (u.last_login is not None, u.last_login, u.pk))
    participants = [u for u in users if is_participant_account(u)]
    if participants:
        return min(participants, key=lambda u: u.pk)
    registration = (
        with_address(Registration.objects, email)
        .filter(anonymised_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if registration is None:
        return None
    return _new_participant(registration.email, registration.name)


def address_key(email: str) -> str:
    """A key for counting the mails sent to an address, without keeping the address."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


@transaction.atomic
def registrations_join(user: User) -> int:
    """Join every registration of the user's address to the user, folding the participant
    accounts made for them into it. Returns how many registrations were joined."""
    if not user.email:
        return 0
    registrations = list(
        with_address(Registration.objects, user.email)
        .filter(anonymised_at__isnull=True)
        .exclude(user=user)
        .select_related("user")
        .select_for_update(of=("self",))
    )
    joined = 0
    folded: set[int] = set()
    for registration in registrations:
        owner = registration.user
        if owner is not None and not is_participant_account(owner):
            continue  # made by another account with a password: theirs to keep
        if owner is not None:
            folded.add(owner.pk)
        registration.user = user
        registration.save(update_fields=["user", "updated_at"])
        joined += 1
    for account in User.objects.filter(pk__in=folded):
        _fold(account, into=user)
    return joined


def _fold(account: User, *, into: User) -> None:
    """Move a participant account's bookmarks and calendar addresses to `into`, then delete it
    (its registrations were moved already)."""
    if Registration.objects.filter(user=account).exists():
        return  # another address's registration: not this sign-in's to fold
    mine = Bookmark.objects.filter(user=into).values("session")
    Bookmark.objects.filter(user=account).exclude(session__in=mine).update(user=into)
    has_feed = CalendarFeedToken.objects.filter(user=into, revoked_at__isnull=True).values("event")
    CalendarFeedToken.objects.filter(user=account, revoked_at__isnull=True).exclude(
        event__in=has_feed
    ).update(user=into)
    account.delete()


def sign_in_link_allowed(email: str) -> bool:
    """At most one sign-in mail per address per minute, whoever asks."""
    return cache.add(f"sign-in-link:{address_key(email)}", 1, 60)
