"""Issuing, withdrawing and mailing certificates of attendance, and the event's settings for
them. Every write here is idempotent: issuing twice issues nothing new, sending twice mails no
one twice unless asked to send again."""

import logging
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confman.core.exceptions import Conflict
from events.models import Event
from registrations.certificates.selectors import attendees
from registrations.models import Certificate, CertificateSettings
from sessions.models import Session

logger = logging.getLogger(__name__)


def _ensure_ended(event: Event, session: Session | None) -> None:
    if session is None:
        if not event.is_over:
            raise Conflict(
                _(
                    "Certificates of attendance are issued after the event: come back after "
                    "its last day, %(day)s."
                )
                % {"day": event.end_date.isoformat()},
                code="event_not_over",
            )
        return
    if session.actual_end is None or session.actual_end > timezone.now():
        raise Conflict(
            _("“%(session)s” has not ended yet: issue its certificates once it is over.")
            % {"session": session.title},
            code="session_not_over",
        )


@transaction.atomic
def certificate_settings_save(
    *, event: Event, online_minutes: int, signatories, signature=None, clear_signature=False
) -> CertificateSettings:
    """The event's settings, made on first save. `signature`: a new uploaded image, or None
    to keep the one there (or drop it with clear_signature)."""
    settings, _created = CertificateSettings.objects.select_for_update().get_or_create(event=event)
    settings.online_minutes = online_minutes
    settings.signatories = signatories
    replaced = settings.signature.name if settings.signature else ""
    if signature is not None:
        settings.signature = signature
    elif clear_signature:
        settings.signature = ""
    else:
        replaced = ""
    settings.full_clean()
    settings.save()
    if replaced and replaced != settings.signature.name:
        # Only once the new settings are committed: a failed save keeps the old image.
        transaction.on_commit(lambda: default_storage.delete(replaced))
    return settings


@transaction.atomic
def certificates_issue(
    *,
    event: Event,
    registrations: Iterable[int] | None = None,
    session: Session | None = None,
    by: User | None,
) -> int:
    """Issues a certificate for `event` (or for `session`) to each of `registrations` (ids;
    None: everyone who attended) who attended it and holds none yet; returns how many were
    issued. Who did not attend is passed over; a withdrawn certificate stays withdrawn.
    Idempotent: one certificate per registration and event or session, kept by the database's
    constraints even when two organisers click at once. Only once it has ended."""
    _ensure_ended(event, session)
    chosen = None if registrations is None else set(registrations)
    new = [
        Certificate(
            registration=attendee.registration,
            session=session,
            online=attendee.online,
            minutes=attendee.minutes,
            # A session's certificate certifies that one session.
            sessions_attended=attendee.sessions if session is None else 1,
        )
        for attendee in attendees(event, session)
        if attendee.certificate is None and (chosen is None or attendee.registration.pk in chosen)
    ]
    Certificate.objects.bulk_create(new, ignore_conflicts=True)
    logger.info(
        "%s issued %d certificates for %s%s",
        getattr(by, "pk", None),
        len(new),
        event.slug,
        f" session {session.pk}" if session else "",
    )
    return len(new)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by: User | None) -> Certificate:
    """Withdraws the certificate: its page then says so (410) and its PDF is no longer
    offered. Idempotent: the first withdrawal's time stays."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        logger.info("%s withdrew certificate %s", getattr(by, "pk", None), locked.pk)
    return locked


@transaction.atomic
def certificates_send(
    *,
    event: Event,
    session: Session | None = None,
    again: bool = False,
    by: User | None,
) -> int:
    """Queues one mail per valid certificate of `event` (or `session`) that has not been
    mailed yet (every one with `again`), marks them sent, and returns how many. Idempotent:
    the rows are locked, so two clicks on "send all" mail each participant once."""
    from registrations.certificates.mail import send_certificate_mail

    chosen = Certificate.objects.select_for_update().filter(
        registration__event=event, revoked_at__isnull=True
    )
    chosen = chosen.filter(session=session) if session else chosen.filter(session__isnull=True)
    if not again:
        chosen = chosen.filter(sent_at__isnull=True)
    ids = list(chosen.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    Certificate.objects.filter(pk__in=ids).update(sent_at=timezone.now())

    def enqueue() -> None:
        for pk in ids:
            try:
                send_certificate_mail.enqueue(pk)
            except Exception:
                logger.exception("Could not queue the mail of certificate %s", pk)

    transaction.on_commit(enqueue)
    logger.info(
        "%s queued %d certificate mails for %s", getattr(by, "pk", None), len(ids), event.slug
    )
    return len(ids)
