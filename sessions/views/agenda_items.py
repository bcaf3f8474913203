"""The agenda's sessions as list items (<li class="agenda-item">), written here rather than by a
template included once per session: a day of a large event has hundreds, and the include with
its {% url %} and filters was most of the page's time (bench/agenda.py). Every string a request
repeats (labels, badges, room and track names, the address of a session) is made once.

The markup is what site.css, agenda.css, agenda.js and the tests read; agenda.html places it."""

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext, ngettext

from confman.core.choices import label_of
from events.models import AttendanceMode, Event
from sessions.grid import GridItem
from sessions.models import RoleKind, Session, SessionKind, SessionStatus
from sessions.selectors import AgendaPerson


class AgendaItems:
    """Writes the items of one page: `people` and `bookmarked` as the selectors read them.
    `heading` is the level of each session's title (h4 under a day's heading)."""

    def __init__(
        self,
        event: Event,
        people: dict[int, list[AgendaPerson]],
        *,
        bookmarked: set[int],
        heading: str = "h3",
    ):
        self.tz = event.tzinfo
        self.people = people
        self.bookmarked = bookmarked
        self.heading = heading
        self.language = get_language()
        # The address of session 0, cut before its id: reversed once, not once per session.
        self.url_prefix = reverse("agenda:session", kwargs={"slug": event.slug, "pk": 0})[:-2]
        self.badges = {
            SessionStatus.CANCELLED: _badge("badge badge--cancelled", gettext("Cancelled")),
            SessionStatus.LIVE: _badge("badge badge--live", gettext("Live now")),
            SessionStatus.ENDED: _badge("badge", gettext("Ended")),
            SessionStatus.DRAFT: _badge("badge badge--draft", gettext("Draft")),
        }
        self.no_room = escape(gettext("Room to be announced"))
        self.mine = f" · <strong>{escape(gettext('On my agenda'))}</strong>"
        self.kinds = {kind: escape(label_of(SessionKind, kind)) for kind in SessionKind.values}
        self.modes = {mode: escape(label_of(AttendanceMode, mode)) for mode in AttendanceMode}
        self.roles = {role: label_of(RoleKind, role).lower() for role in RoleKind.values}
        self.names: dict[tuple[str, int], str] = {}  # ("room" or "track", pk) -> <bdi>
        self.spoken: dict[str, str] = {}  # language code -> its name, in itself

    def list_items(self, sessions: Iterable[Session]) -> SafeString:
        return mark_safe("".join(self.item(session) for session in sessions))  # noqa: S308

    def grid_items(self, items: Iterable[GridItem]) -> SafeString:
        return mark_safe("".join(self.item(item.session, item) for item in items))  # noqa: S308

    def item(self, s: Session, placed: GridItem | None = None) -> str:
        """One session; in the grid (`placed`), with its cell and its track's colour, and its
        people's full line as a tooltip, as the grid shortens it."""
        classes = f"agenda-item kind-{s.kind}"
        if s.status == SessionStatus.CANCELLED:
            classes += " is-cancelled"
        elif s.status == SessionStatus.LIVE:
            classes += " is-live"
        style = ""
        if placed is not None:
            if placed.conflicts:
                classes += " has-conflict"
            # grid-area: row-start / column-start / row-end; the colour: agenda.css.
            colour = f" --track: {escape(s.track.colour)};" if s.track_id else ""
            area = f"{placed.row_start} / {placed.column} / {placed.row_end}"
            style = f' style="grid-area: {area};{colour}"'
        when = ""
        if s.start is not None:
            when = f"{self.moment(s.actual_start)}–{self.moment(s.actual_end)}"
        if s.delay_minutes:
            late = ngettext("%(minutes)s min late", "%(minutes)s min late", s.delay_minutes)
            when += _badge("badge badge--late", late % {"minutes": s.delay_minutes})
        when += self.badges.get(s.status, "")
        title = s.title
        lang = _lang(title, self.language)
        room = self.name("room", s.room) if s.room_id else self.no_room
        meta = f"{self.kinds.get(s.kind, escape(s.kind))} · {self.modes.get(s.attendance, '')}"
        if s.track_id:
            meta += f" · {self.name('track', s.track)}"
        if s.language:
            meta += f' · <span lang="{escape(s.language)}">{self.spoken_name(s.language)}</span>'
        if s.pk in self.bookmarked:
            meta += self.mine
        h = self.heading
        return (
            f'<li class="{classes}"{style} id="session-{s.pk}">'
            f'<p class="agenda-item__when">{when}</p>'
            f'<{h} class="agenda-item__title" dir="auto"{lang}>'
            f'<a href="{self.url_prefix}{s.pk}/">{escape(title)}</a></{h}>'
            f'<p class="agenda-item__meta"><span class="agenda-item__room">{room} · </span>'
            f"{meta}</p>{self.people_line(s.pk, tooltip=placed is not None)}</li>"
        )

    def moment(self, value: datetime) -> str:
        """As sessions.templatetags.agenda.moment writes a time (agenda.js rewrites it)."""
        local = value.astimezone(self.tz)
        return f'<time datetime="{local.isoformat()}" data-moment="time">{local:%H:%M}</time>'

    def name(self, kind: str, row) -> str:
        key = (kind, row.pk)
        if key not in self.names:
            self.names[key] = f"<bdi{_lang(row.name, self.language)}>{escape(row.name)}</bdi>"
        return self.names[key]

    def spoken_name(self, code: str) -> str:
        if code not in self.spoken:
            try:
                self.spoken[code] = escape(get_language_info(code)["name_local"])
            except KeyError:
                self.spoken[code] = escape(code)
        return self.spoken[code]

    def people_line(self, pk: int, *, tooltip: bool) -> str:
        """ "Ana Lima (chair), Li Wei": the chairs with their role, then the speakers."""
        people = self.people.get(pk)
        if not people:
            return ""
        ordered = [p for p in people if p.is_chairing] + [p for p in people if not p.is_chairing]
        labels = [f" ({self.roles.get(p.role, p.role)})" if p.is_chairing else "" for p in ordered]
        html = ", ".join(
            f"<bdi>{escape(p.name)}</bdi>{escape(label)}"
            for p, label in zip(ordered, labels, strict=True)
        )
        title = ""
        if tooltip:
            plain = ", ".join(f"{p.name}{label}" for p, label in zip(ordered, labels, strict=True))
            title = f' title="{escape(plain)}"'
        return f'<p class="agenda-item__people"{title}>{html}</p>'


def _badge(classes: str, text: str) -> str:
    return f' <span class="{classes}">{escape(text)}</span>'


def _lang(value, language: str | None) -> str:
    """` lang="zh-hans"` for content in another language than the page's (confman's lang_attr)."""
    shown = getattr(value, "language", None)
    return f' lang="{escape(shown)}"' if shown and shown != language else ""
