"""What a session's chair (or an organiser) does while it runs: report a delay (and push the
later sessions in the room), announce something to the live audience, name the next speaker."""

from collections.abc import Mapping
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from confman.core.content import content_data, content_locales, content_ordered
from confman.core.exceptions import DomainError, InvalidInput
from confman.core.schemas import check_content_languages
from events.models import Event
from sessions.models import (
    ANNOUNCEMENT_MAX,
    Person,
    Session,
    SessionStatus,
    SessionUpdate,
    UpdateKind,
)
from sessions.permissions import require_chair, require_organiser
from sessions.selectors import Shift, delay_preview, delay_validate
from sessions.services.programme import (
    change_is_public,
    change_value,
    person_ref,
    programme_lock,
    session_reread,
    update_record,
)


@transaction.atomic
def session_delay(
    *, session: Session, by: User | None, minutes: int, shift_following: bool = False
) -> list[Shift]:
    """Set the session's delay to `minutes` in total (0 = back on time); optionally push the
    later sessions in its room that day that would otherwise overlap. Returns what moved."""
    require_chair(by, session)
    delay_validate(minutes)
    programme = programme_lock(session.event)
    session = session_reread(session)
    if session.status in (SessionStatus.DRAFT, SessionStatus.CANCELLED, SessionStatus.ENDED):
        raise DomainError(
            _("“%(title)s” is %(status)s; only a scheduled or live session can run late.")
            % {"title": session.title, "status": session.get_status_display().lower()},
            code="session_not_running",
            status=409,
        )
    shifts = delay_preview(session=session, minutes=minutes)
    if not shift_following:
        shifts = shifts[:1]
    moved = []
    for shift in shifts:
        if shift.delay_after == shift.delay_before:
            continue
        target = shift.session
        target.delay_minutes = shift.delay_after
        target.save(update_fields=["delay_minutes", "updated_at"])
        moved.append(shift)
        if programme.is_published:
            update_record(
                programme,
                kind=UpdateKind.DELAYED,
                session=target,
                changes={
                    "delay_minutes": {"before": shift.delay_before, "after": shift.delay_after},
                    "actual_start": {
                        "before": change_value(
                            target.start + timedelta(minutes=shift.delay_before)
                        ),
                        "after": change_value(shift.new_start),
                    },
                    "actual_end": {
                        "before": change_value(target.end + timedelta(minutes=shift.delay_before)),
                        "after": change_value(shift.new_end),
                    },
                },
                message=(
                    ""
                    if target.pk == session.pk
                    else _("Pushed back by the delay of “%(title)s”.") % {"title": session.title}
                ),
                by=by,
            )
    return moved


@transaction.atomic
def announcement_create(
    *,
    event: Event,
    by: User | None,
    message: str | Mapping[str, str],
    session: Session | None = None,
    notify: bool = False,
) -> SessionUpdate:
    """Post a short announcement to the event's live audience: about one session (its chairs
    and organisers) or the whole event (organisers). One text, or one per language of the
    event ({"en": …, "zh-hans": …}); each viewer reads theirs. With `notify` it is mailed
    too, with the next change notices (registrations.notices)."""
    if session is not None:
        if session.event_id != event.pk:
            raise DomainError(
                _("That session belongs to another event."), code="wrong_event", status=422
            )
        require_chair(by, session)
    else:
        require_organiser(by, event)
    message = _announcement_text(message, event)
    programme = programme_lock(event)
    if not programme.is_published or (
        session is not None and session_reread(session).status == SessionStatus.DRAFT
    ):
        raise DomainError(
            _("The programme is not public yet, so there is no one to announce to."),
            code="programme_not_published",
            status=409,
        )
    return update_record(
        programme,
        kind=UpdateKind.ANNOUNCEMENT,
        session=session,
        message=message,
        notify=notify,
        by=by,
    )


def _announcement_text(message: str | Mapping[str, str], event: Event) -> str | dict[str, str]:
    """The announcement as stored: its texts trimmed, each 1 to ANNOUNCEMENT_MAX characters,
    in languages the event works in."""
    data = content_data(message)
    texts = (
        {code: text.strip() for code, text in data.items()}
        if isinstance(data, Mapping)
        else {"": data.strip()}
    )
    texts = {code: text for code, text in texts.items() if text}
    if not texts or any(len(text) > ANNOUNCEMENT_MAX for text in texts.values()):
        raise InvalidInput.for_fields(
            {
                "message": [
                    _("Write the announcement in 1 to %(max)s characters.")
                    % {"max": ANNOUNCEMENT_MAX}
                ]
            }
        )
    if "" in texts:
        return texts[""]
    # The same check, and the same message, as every other content written through the API.
    check_content_languages({"message": texts}, event.languages)
    return content_ordered(texts, content_locales(event.languages))


@transaction.atomic
def session_set_next_speaker(
    *, session: Session, by: User | None, person: Person | None
) -> Session:
    """Note who speaks next (a person with a role in the session), or clear it."""
    require_chair(by, session)
    programme = programme_lock(session.event)
    session = session_reread(session)
    if person is not None and not session.roles.filter(person=person).exists():
        raise InvalidInput.for_fields(
            {
                "person_id": [
                    _("%(person)s has no role in this session; add them to it first.")
                    % {"person": person.display_name}
                ]
            }
        )
    if session.next_speaker_id == (person.pk if person else None):
        return session
    before = session.next_speaker
    session.next_speaker = person
    session.save(update_fields=["next_speaker", "updated_at"])
    if change_is_public(programme, session.status):
        update_record(
            programme,
            kind=UpdateKind.NEXT_SPEAKER,
            session=session,
            changes={
                "next_speaker": {
                    "before": person_ref(before),
                    "after": person_ref(person),
                }
            },
            by=by,
        )
    return session
