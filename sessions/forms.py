"""Forms of the programme pages. Times are typed in the event's own zone (a day and a wall-clock
time) and turned into aware datetimes here, refusing the times a DST change skips or repeats."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf.locale import LANG_INFO
from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from confman.core.content import ContentFormField, ContentTextarea, content_form_languages
from confman.core.text import sort_key
from events.models import AttendanceMode, Event, Organization
from sessions.models import ANNOUNCEMENT_MAX, Person, RoleKind, Session, SessionKind


def local_datetime(day: date, wall: time, zone: str) -> datetime:
    """The aware datetime of a wall-clock time in a zone; ValueError names a time that does not
    exist (skipped when clocks go forward) or happens twice (when they go back)."""
    tz = ZoneInfo(zone)
    first = datetime.combine(day, wall, tzinfo=tz)
    second = first.replace(fold=1)
    if first.utcoffset() != second.utcoffset():
        # fold changes the offset only for times in a DST gap or overlap.
        as_utc = first.astimezone(ZoneInfo("UTC")).astimezone(tz)
        if as_utc.replace(tzinfo=None) != first.replace(tzinfo=None):
            raise ValueError(
                _("%(time)s does not exist on %(day)s in %(zone)s: the clocks skip it.")
                % {"time": wall.strftime("%H:%M"), "day": day.isoformat(), "zone": zone}
            )
        raise ValueError(
            _(
                "%(time)s happens twice on %(day)s in %(zone)s (the clocks go back); choose a "
                "time outside that hour, or set it through the API with its UTC offset."
            )
            % {"time": wall.strftime("%H:%M"), "day": day.isoformat(), "zone": zone}
        )
    return first


def _day_choices(event: Event) -> list[tuple[str, str]]:
    return [(d.isoformat(), dateformat.format(d, "l j E Y")) for d in event.days]


def language_label(code: str) -> str:
    """ "Deutsch (German)": the language's own name, capitalised, then its name in the reader's
    language when that differs ("Français" alone for a French reader)."""
    info = LANG_INFO.get(code)
    if info is None or "name_local" not in info:
        return code
    local = info["name_local"]
    # Title case, not upper case: Georgian, for one, has no capital at the start of a name.
    local = local[:1].title() + local[1:]
    translated = gettext(info["name"])
    if sort_key(translated) == sort_key(local):
        return local
    if "(" in local:  # "Norsk (bokmål) – Norwegian Bokmål", not two parentheses
        return f"{local} – {translated}"
    return f"{local} ({translated})"


def language_choices(event: Event) -> list:
    """The event's own languages first, in its order, then every other language Django knows,
    alphabetically, each as language_label writes it."""
    own = [code for code in event.languages if code in LANG_INFO]
    others = sorted(
        (
            (code, language_label(code))
            for code, info in LANG_INFO.items()
            if "fallback" not in info and code not in own
        ),
        key=lambda pair: sort_key(pair[1]),
    )
    choices: list = [("", _("The event's main language"))]
    if own:
        choices.append((_("The event's languages"), [(c, language_label(c)) for c in own]))
        choices.append((_("Other languages"), others))
    else:
        choices += others
    return choices


class SessionForm(forms.Form):
    # One input per language of the event (confman.core.content).
    title = Session._meta.get_field("title").formfield(label=_("Title"))
    # No kind chosen for the organiser: a new session is as often a panel as a keynote.
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Choose a kind"))] + SessionKind.choices,
        error_messages={"required": _("Choose the kind of session.")},
    )
    day = forms.ChoiceField(label=_("Day"), required=False)
    start_time = forms.TimeField(
        label=_("Starts"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    end_time = forms.TimeField(
        label=_("Ends"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, required=False)
    track = forms.ModelChoiceField(label=_("Track"), queryset=None, required=False)
    attendance = forms.ChoiceField(label=_("Attendance"), choices=AttendanceMode.choices)
    language = forms.ChoiceField(label=_("Language"), required=False)
    abstract = Session._meta.get_field("abstract").formfield(
        label=_("Abstract"), required=False, widget_kwargs={"attrs": {"rows": 5}}
    )
    override = forms.BooleanField(
        label=_(
            "Accept the conflicts listed above (people in two sessions at once, dates, room "
            "kind); this is recorded"
        ),
        required=False,
    )

    def __init__(self, *args, event: Event, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        content_form_languages(self, event.languages)
        days = _day_choices(event)
        if session is not None and session.start is not None:
            # A session already outside the event's days keeps its day on the list.
            current = session.start.astimezone(event.tzinfo).date()
            if current not in event.days:
                days = sorted([*days, (current.isoformat(), dateformat.format(current, "l j E Y"))])
        self.fields["day"].choices = [("", _("Not scheduled yet"))] + days
        self.fields["language"].choices = language_choices(event)
        self.fields["room"].queryset = event.rooms.all()
        self.fields["room"].empty_label = _("No room yet")
        self.fields["track"].queryset = event.tracks.all()
        self.fields["track"].empty_label = _("No track")
        zone = event.timezone
        self.fields["start_time"].help_text = _("%(zone)s time") % {"zone": zone}
        self.fields["end_time"].help_text = _(
            "%(zone)s time; an end earlier than the start is on the next day"
        ) % {"zone": zone}

    @classmethod
    def initial_for(cls, session) -> dict:
        event = session.event
        initial = {
            "title": session.title,
            "kind": session.kind,
            "room": session.room_id,
            "track": session.track_id,
            "attendance": session.attendance,
            "language": session.language,
            "abstract": session.abstract,
        }
        if session.start is not None:
            start = session.start.astimezone(event.tzinfo)
            end = session.end.astimezone(event.tzinfo)
            initial |= {
                "day": start.date().isoformat(),
                "start_time": start.time().strftime("%H:%M"),
                "end_time": end.time().strftime("%H:%M"),
            }
        return initial

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if not day and not start and not end:
            data["start"] = data["end"] = None
            return data
        missing = {
            name: _("Give the day, the start and the end together, or none of them.")
            for name, value in (("day", day), ("start_time", start), ("end_time", end))
            if not value
        }
        if missing:
            for name, message in missing.items():
                self.add_error(name, message)
            return data
        the_day = date.fromisoformat(day)
        try:
            data["start"] = local_datetime(the_day, start, self.event.timezone)
        except ValueError as exc:
            self.add_error("start_time", str(exc))
            return data
        end_day = the_day if end > start else the_day + timedelta(days=1)
        try:
            data["end"] = local_datetime(end_day, end, self.event.timezone)
        except ValueError as exc:
            self.add_error("end_time", str(exc))
            return data
        if data["end"] - data["start"] > timedelta(hours=24):
            self.add_error("end_time", _("A session lasts at most 24 hours."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "start": data["start"],
            "end": data["end"],
            "room": data["room"],
            "track": data["track"],
            "attendance": data["attendance"],
            "language": data["language"] or "",
            "abstract": data["abstract"],
        }


class PersonForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none(), required=False
    )

    class Meta:
        model = Person
        fields = ["honorific", "name", "position", "organization", "country", "email", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        content_form_languages(self, event.languages)
        # The event's own organisations first: most people come from them.
        self.fields["organization"].queryset = (
            Organization.objects.filter(
                Q(event_roles__event=event) | Q(pk=self.instance.organization_id or 0)
            )
            .distinct()
            .order_by("name")
        )

    def validate_unique(self):
        """The service validates; the form only checks fields."""


class AssignForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)
    override = forms.BooleanField(
        label=_("Add even if they are in another session at the same time (recorded)"),
        required=False,
    )


class AgendaFilterForm(forms.Form):
    """The public agenda's filters. A value that is not valid (a deleted track in an old link)
    is dropped; the other filters still apply."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    track = forms.ModelChoiceField(label=_("Track"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    attendance = forms.ChoiceField(label=_("Attendance"), required=False)
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = event.tracks.all()
        self.fields["track"].empty_label = _("All tracks")
        self.fields["room"].queryset = event.rooms.all()
        self.fields["room"].empty_label = _("All rooms")
        self.fields["kind"].choices = [("", _("All kinds"))] + SessionKind.choices
        self.fields["attendance"].choices = [
            ("", _("In person and online")),
            (AttendanceMode.IN_PERSON, _("In person")),
            (AttendanceMode.ONLINE, _("Online")),
        ]


class AnnouncementForm(forms.Form):
    """A chair's announcement, in each language of the event (one is enough)."""

    message = ContentFormField(
        label=_("Announcement"),
        max_length=ANNOUNCEMENT_MAX,
        widget=ContentTextarea,
        widget_kwargs={"attrs": {"rows": 2}},
    )
    notify = forms.BooleanField(
        label=_("Also mail it to the people following this session"), required=False
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        content_form_languages(self, event.languages)
