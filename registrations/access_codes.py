"""An access code as people type it from an invitation, on the registration form and in the
API's ticket list: the tickets on offer with it, and what to tell them when it opens no ticket
(or only one that is not on sale now). A code is compared in any case, the spaces around it
left out (TicketType.opened_by, which registering checks too). Nothing is said of hidden
tickets beyond those the code opens: a wrong code gets the same words whatever exists."""

from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from events.models import Event
from events.timezones import offset_label
from registrations.models import TicketType, Visibility
from registrations.selectors import tickets_on_offer


@dataclass
class CodeTickets:
    tickets: list[TicketType]  # on offer: the public ones, and those the code opens
    error: str = ""  # what is wrong with the code ("" when right, or none given)
    opened: bool = False  # the code opens a ticket on offer now
    wrong: bool = False  # the code opens no ticket at all


def no_ticket_uses(event: Event) -> str:
    if event.contact_email:
        return _(
            "No ticket uses this access code. Check it against your invitation (capital or "
            "small letters do not matter), or write to the organisers at %(email)s."
        ) % {"email": event.contact_email}
    return _(
        "No ticket uses this access code. Check it against your invitation (capital or small "
        "letters do not matter)."
    )


def _not_on_sale(event: Event, ticket: TicketType) -> str:
    now = timezone.now()
    opens = ticket.sales_start is not None and now < ticket.sales_start
    moment = (ticket.sales_start if opens else ticket.sales_end) or now
    local = moment.astimezone(event.tzinfo)
    when = f"{formats.date_format(local, 'j F Y, H:i')} {offset_label(local)}"
    if opens:
        return _(
            "This access code is right, but its ticket “%(ticket)s” is not on sale yet: sales "
            "open on %(when)s."
        ) % {"ticket": ticket.name, "when": when}
    return _(
        "This access code is right, but its ticket “%(ticket)s” is no longer on sale: sales "
        "closed on %(when)s."
    ) % {"ticket": ticket.name, "when": when}


def code_tickets(event: Event, code: str, *, organiser: bool = False) -> CodeTickets:
    """The tickets someone with `code` may take now (an organiser: all of them), and what to
    tell them about the code."""
    typed = code.strip()
    if not typed:
        return CodeTickets(tickets_on_offer(event, organiser=organiser))
    hidden = event.ticket_types.filter(visibility=Visibility.CODE).select_related("quota")
    opened = [ticket for ticket in hidden if ticket.opened_by(typed)]
    if not opened:
        return CodeTickets(
            tickets_on_offer(event, organiser=organiser), no_ticket_uses(event), wrong=True
        )
    # The selector compares codes as stored: ask it with each stored code the typed one opens
    # (two tickets may have one code in two cases).
    tickets: list[TicketType] = []
    for stored in dict.fromkeys(ticket.access_code for ticket in opened):
        tickets += [
            ticket
            for ticket in tickets_on_offer(event, code=stored, organiser=organiser)
            if ticket not in tickets
        ]
    on_offer = [ticket for ticket in opened if ticket in tickets]
    if on_offer:
        return CodeTickets(tickets, opened=True)
    return CodeTickets(tickets, _not_on_sale(event, opened[0]))
