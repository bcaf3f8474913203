"""The registration form: one page, no JavaScript needed. Tickets and attendance modes are one
choice ("Delegate, in person: free, 12 seats left"); questions for some tickets only are asked
of everyone but required only of those."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from events.models import AttendanceMode, Event
from registrations.models import Gender, Question, QuestionKind, TicketType
from registrations.selectors import Availability

ORGANISATION_MAX = 200


def option_value(ticket: TicketType, mode: str) -> str:
    return f"{ticket.pk}:{mode}"


class RegistrationForm(forms.Form):
    choice = forms.ChoiceField(label=_("Ticket"), widget=forms.RadioSelect)
    access_code = forms.CharField(
        label=_("Access code"), required=False, max_length=60, widget=forms.HiddenInput
    )
    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("Email"), help_text=_("Your confirmation and your link to change it go here.")
    )
    organization_name = forms.CharField(
        label=_("Organisation"),
        max_length=ORGANISATION_MAX,
        required=False,
        help_text=_("Pick from the list as you type, or enter a new one."),
        widget=forms.TextInput(attrs={"list": "organisations", "autocomplete": "organization"}),
    )
    organization_country = forms.ChoiceField(
        label=_("Organisation's country"),
        required=False,
        help_text=_("Only for a new organisation based in another country than yours."),
    )
    country = forms.ChoiceField(label=_("Country"))
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. step-free access, sign language, captions, a quiet room."),
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # Asked only when the event says so (RegistrationSettings.asks_gender); dropped otherwise.
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        choices=Gender.choices,
        widget=forms.RadioSelect,
    )
    gender_described = forms.CharField(
        label=_("In your own words (optional)"),
        required=False,
        max_length=100,
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice above and agree to it."),
        error_messages={"required": _("Tick the box to accept the privacy notice.")},
    )

    def __init__(
        self,
        *args,
        event: Event,
        options: list[Availability],
        questions: list[Question],
        payments_ready: bool = True,
        asks_gender: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.event = event
        if not asks_gender:
            del self.fields["gender"], self.fields["gender_described"]
        self.payments_ready = payments_ready
        self.options = {option_value(o.ticket, o.mode): o for o in options}
        self.fields["choice"].choices = [
            (key, _option_label(option, payments_ready)) for key, option in self.options.items()
        ]
        self.fields["country"].choices = [("", _("Choose your country"))] + list(countries)
        self.fields["organization_country"].choices = [("", _("The same as mine"))] + list(
            countries
        )
        self.questions = questions
        for question in questions:
            self.fields[f"q_{question.pk}"] = _question_field(question)

    def clean(self):
        data = super().clean()
        option = self.options.get(data.get("choice", ""))
        if option is None:
            return data
        data["ticket"], data["mode"] = option.ticket, option.mode
        if not option.ticket.is_free and not self.payments_ready:
            self.add_error("choice", PAYMENTS_NOT_SET_UP)
        answers = {}
        for question in self.questions:
            key = f"q_{question.pk}"
            value = data.get(key)
            applies = not question.ticket_ids or option.ticket.pk in question.ticket_ids
            empty = value in (None, "", [])
            if question.required and applies and empty and key not in self.errors:
                self.add_error(key, _("This question is required for your ticket."))
            if not empty and applies:
                answers[str(question.pk)] = value
        data["answers"] = answers
        return data


PAYMENTS_NOT_SET_UP = _(
    "Card payments are not set up for this event yet, so paid tickets cannot be bought here; "
    "please contact the organisers."
)


def _option_label(option: Availability, payments_ready: bool = True) -> str:
    ticket = option.ticket
    price = _("free") if ticket.is_free else f"{ticket.price} {ticket.currency}"
    if not ticket.is_free and not payments_ready:
        price += " · " + str(_("not on sale here: payments are not set up"))
    if option.remaining is None:
        seats = ""
    elif option.remaining == 0:
        seats = " · " + str(_("full: you join the waiting list"))
    else:
        seats = " · " + ngettext(
            "%(count)s seat left", "%(count)s seats left", option.remaining
        ) % {"count": option.remaining}
    approval = " · " + str(_("needs approval")) if ticket.requires_approval else ""
    label = _("%(ticket)s, %(mode)s: %(price)s") % {
        "ticket": ticket.name,
        "mode": AttendanceMode(option.mode).label.lower(),
        "price": price,
    }
    return f"{label}{seats}{approval}"


def _question_field(question: Question) -> forms.Field:
    common = {"label": question.label, "help_text": question.help_text, "required": False}
    if question.kind == QuestionKind.TEXT:
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)
    if question.kind == QuestionKind.YES_NO:
        return forms.TypedChoiceField(
            choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            **common,
        )
    pairs = question.choice_options  # the reader's language shown, the first language kept
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *pairs], **common)
    return forms.MultipleChoiceField(choices=pairs, widget=forms.CheckboxSelectMultiple, **common)
