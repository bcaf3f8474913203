"""Stream links in someone's own calendar (the personal feed, the confirmation's attachment):
for each of their sessions, the streams they may watch, as lines of its description. Registered
in sessions.ical.PERSONAL_LINE_SOURCES when the app loads."""

from django.utils.translation import gettext as _

from events.models import Event
from livestream.access import viewer_access
from livestream.models import Stream
from livestream.selectors import present, stream_dict
from sessions.models import Session


def stream_lines(user, event: Event, session_ids: list[int], registration=None) -> dict:
    """One query when the event has no streams; a constant few otherwise."""
    if not session_ids:
        return {}
    streams = list(Stream.objects.filter(event=event).order_by("order", "language", "pk"))
    if not streams:
        return {}
    by_room: dict[int, list[dict]] = {}
    by_session: dict[int, list[dict]] = {}
    for stream in streams:
        target = by_session if stream.session_id else by_room
        target.setdefault(stream.session_id or stream.room_id, []).append(stream_dict(stream))
    access = viewer_access(event, user, registration)
    sessions = Session.objects.filter(event=event, pk__in=session_ids).values_list("pk", "room_id")
    lines = {}
    for session_id, room_id in sessions:
        shown = present(by_session.get(session_id) or by_room.get(room_id, []), access)
        text = []
        for stream in shown:
            if stream["locked"]:
                continue
            text.append(
                _("Watch online (%(provider)s, %(language)s): %(url)s")
                % {
                    "provider": stream["provider_label"],
                    "language": stream["language_name"],
                    "url": stream["url"],
                }
            )
            if stream["passcode"]:
                text.append(_("Passcode: %(code)s") % {"code": stream["passcode"]})
        if text:
            lines[session_id] = text
    return lines
