"""Every write to streams: organisers add, change and remove them (back office or these
functions), and each change of a public programme is logged as a numbered `stream` update,
which the live channel pushes. The log is public, so it names the provider and language of each
stream, never its link or passcode."""

from django.contrib.auth.models import User
from django.db import transaction

from confman.core.validation import validated_save
from events.permissions import Action, require_event_permission
from livestream.models import Stream
from sessions.models import UpdateKind
from sessions.services.programme import update_log


def _summary(streams) -> list[dict]:
    return [
        {"provider": s.provider, "language": s.language, "public": s.public}
        for s in sorted(streams, key=lambda s: (s.order, s.language, s.pk or 0))
    ]


def _scope(stream: Stream):
    return Stream.objects.filter(event_id=stream.event_id, room_id=stream.room_id).filter(
        session_id=stream.session_id
    )


def _log(stream: Stream, before: list[dict], by: User | None) -> None:
    after = _summary(_scope(stream))
    changes = {"streams": {"before": before, "after": after}}
    if stream.room_id:
        changes["room_id"] = {"before": stream.room_id, "after": stream.room_id}
    update_log(
        event=stream.event,
        kind=UpdateKind.STREAM,
        session=stream.session,
        changes=changes,
        by=by,
    )


@transaction.atomic
def stream_save(*, stream: Stream, by: User | None) -> Stream:
    """Create or change a stream (validated: https links, one per language per room or
    session), and log it for the live audience."""
    if by is not None:
        require_event_permission(by, stream.event, Action.MANAGE_AGENDA)
    before = _summary(_scope(stream))
    validated_save(stream)
    _log(stream, before, by)
    return stream


@transaction.atomic
def stream_delete(*, stream: Stream, by: User | None) -> None:
    if by is not None:
        require_event_permission(by, stream.event, Action.MANAGE_AGENDA)
    before = _summary(_scope(stream))
    stream.delete()
    _log(stream, before, by)
