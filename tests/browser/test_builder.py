"""The agenda builder in a real browser: a refused move explained beside the card (and in the
live region), the card's time following the move, the list of a phone with each session's room
and instructions for tapping, and cancelling a session from its page only after saying what it
does."""

import re

import pytest
from playwright.sync_api import expect

from events.models import TeamMember
from sessions.models import Bookmark, RoleKind, SessionStatus
from sessions.services.programme import programme_publish
from tests.browser.conftest import overflow, screenshot, sign_in
from tests.factories import (
    EventFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    SessionRoleFactory,
    TeamMemberFactory,
    UserFactory,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUILDER = "/events/seminar/manage/agenda/"


@pytest.fixture
def day(transactional_db):
    """A published day in three rooms: a keynote and a workshop at 10:00 side by side, more
    later, chaired; and the event's organiser."""
    event = EventFactory(slug="seminar", timezone="Asia/Shanghai")
    user = UserFactory(username="organiser")
    TeamMemberFactory(event=event, user=user, role=TeamMember.Role.ORGANISER)
    hall, annex, studio = (
        RoomFactory(event=event, name="Hall A", order=1),
        RoomFactory(event=event, name="Hall B", order=2),
        RoomFactory(event=event, name="Studio C", order=3),
    )
    keynote = SessionFactory(event=event, room=hall, title="Keynote", start=at(event, 0, "10:00"))
    workshop = SessionFactory(
        event=event, room=annex, title="Workshop", start=at(event, 0, "10:00")
    )
    SessionFactory(event=event, room=studio, title="Open data lab", start=at(event, 0, "11:30"))
    SessionFactory(event=event, room=hall, title="Policy roundtable", start=at(event, 0, "14:00"))
    for session, name in ((keynote, "Grace Hopper"), (workshop, "Ada Lovelace")):
        SessionRoleFactory(
            session=session, role=RoleKind.CHAIR, person=PersonFactory(event=event, name=name)
        )
    programme_publish(event=event, by=None)
    return {"event": event, "user": user, "keynote": keynote, "workshop": workshop, "hall": hall}


def below(note_box, card_box) -> bool:
    """Is the note just under the card, in its column?"""
    return (
        abs(note_box["y"] - (card_box["y"] + card_box["height"])) < 16
        and note_box["x"] < card_box["x"] + card_box["width"]
        and note_box["x"] + note_box["width"] > card_box["x"]
    )


def test_a_refused_drop_is_explained_beside_the_card_once(page, live_server, day):
    event, workshop = day["event"], day["workshop"]
    # Tall enough for the whole grid to show without scrolling: a drag near the window's edge
    # scrolls it, which would move the drop point.
    page.set_viewport_size({"width": 1280, "height": 2400})
    sign_in(page, live_server, day["user"], BUILDER)
    grid = page.locator("[data-builder]")
    card = page.locator(f'[data-session="{workshop.pk}"]')
    when = card.locator(".agenda-item__when")
    would_be = card.locator("[data-when-next]")
    note = page.locator("[data-builder-note]")
    status = page.locator("[data-builder-status]")
    source = card.locator(".builder-item__link").bounding_box()
    column = page.locator(f'.agenda-grid__room[data-room="{day["hall"].pk}"]').bounding_box()
    row = grid.evaluate("el => parseFloat(getComputedStyle(el).gridTemplateRows.split(' ')[1])")
    x, y = source["x"] + source["width"] / 2, source["y"] + 20
    expect(note).to_be_hidden()

    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 5)
    page.mouse.move(column["x"] + column["width"] / 2, y + 6 * row, steps=8)  # Hall A, 10:30

    # While hovering: the card says the time it would have, the note what it would meet.
    expect(would_be).to_have_text("10:30–11:30")
    expect(when).to_be_hidden()
    expect(note).to_be_visible()
    expect(note).to_contain_text("“Workshop” at 10:30–11:30 in Hall A.")
    expect(note).to_contain_text("Conflicts:")
    expect(note).to_contain_text("Keynote")

    page.mouse.up()

    expect(status).to_contain_text("Not saved:")
    expect(note).to_contain_text("Not saved:")
    expect(note).to_have_class(re.compile("is-bad"))
    assert note.inner_text().count("Not saved") == 1
    assert status.inner_text().count("Not saved") == 1
    assert status.get_attribute("aria-live") == "assertive"
    # Back where it was, with its own time, and the note beside it there.
    expect(when).to_have_text("10:00–11:00")
    expect(when).to_be_visible()
    expect(would_be).to_have_count(0)
    assert below(note.bounding_box(), card.bounding_box())
    workshop.refresh_from_db()
    assert workshop.start == at(event, 0, "10:00") and workshop.room.name == "Hall B"

    page.mouse.click(5, 5)  # a click elsewhere puts the note away

    expect(note).to_be_hidden()


def test_a_keyboard_move_shows_the_new_time_on_the_card_until_saved_or_cancelled(
    page, live_server, day
):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, day["user"], BUILDER)
    card = page.locator(f'[data-session="{day["keynote"].pk}"]')
    when = card.locator(".agenda-item__when")
    would_be = card.locator("[data-when-next]")
    note = page.locator("[data-builder-note]")

    card.locator(".builder-item__link").focus()
    for _ in range(6):
        page.keyboard.press("Alt+ArrowDown")

    expect(would_be).to_have_text("10:30–11:30")
    expect(when).to_be_hidden()
    expect(note).to_contain_text("No conflict")
    assert below(note.bounding_box(), card.bounding_box())

    page.keyboard.press("Escape")

    expect(when).to_have_text("10:00–11:00")
    expect(when).to_be_visible()
    expect(would_be).to_have_count(0)
    expect(note).to_be_hidden()

    for _ in range(6):
        page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Enter")

    # The saved time, once the server has it.
    expect(note).to_contain_text("Saved.")
    expect(when).to_have_text("10:30–11:30")
    expect(would_be).to_have_count(0)


def test_builder_on_a_laptop_refuses_a_clash_beside_the_card(page, live_server, day):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, day["user"], BUILDER)
    card = page.locator(f'[data-session="{day["workshop"].pk}"]')
    note = page.locator("[data-builder-note]")

    expect(page.locator(".builder-help__desk").first).to_be_visible()
    expect(page.locator(".builder-help__touch")).to_be_hidden()
    # The column says the room; the card's own line is there for screen readers only.
    expect(card.locator(".agenda-item__room")).to_have_css("position", "absolute")

    card.locator(".builder-item__link").focus()
    page.keyboard.press("Alt+ArrowLeft")
    expect(note).to_contain_text("Conflicts:")
    page.keyboard.press("Enter")

    expect(note).to_contain_text("Not saved:")
    assert note.inner_text().count("Not saved") == 1
    assert below(note.bounding_box(), card.bounding_box())
    screenshot(page, "builder-1280")


def test_builder_on_a_phone_lists_rooms_and_says_to_tap(page, live_server, day):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, day["user"], BUILDER)
    workshop = page.locator(f'[data-session="{day["workshop"].pk}"]')

    expect(page.locator(".builder-help__touch")).to_be_visible()
    expect(page.locator(".builder-help__touch")).to_contain_text("Tap a session")
    for desk in page.locator(".builder-help__desk").all():
        expect(desk).to_be_hidden()
    expect(page.get_by_text("Alt + arrow keys")).to_be_hidden()
    expect(workshop.locator(".agenda-item__room")).to_be_visible()
    expect(workshop.locator(".agenda-item__room")).to_have_text("Hall B")
    rooms = page.locator(".builder-item .agenda-item__room")
    assert rooms.count() == 4
    assert overflow(page) <= 0
    screenshot(page, "builder-390")

    workshop.locator(".builder-item__link").click()  # a tap opens its page, with the form

    page.wait_for_url(f"**/manage/sessions/{day['workshop'].pk}/")
    expect(page.locator("#id_room")).to_be_visible()


def test_cancelling_a_session_on_a_phone_says_what_it_does_first(page, live_server, day):
    workshop = day["workshop"]
    for name in ("ana", "li"):
        Bookmark.objects.create(user=UserFactory(username=name), session=workshop)
    page.set_viewport_size({"width": 390, "height": 844})
    edit = f"/events/seminar/manage/sessions/{workshop.pk}/"
    sign_in(page, live_server, day["user"], edit)

    page.get_by_role("link", name="Cancel this session…").click()

    page.wait_for_url(f"**{edit}cancel/confirm/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel “Workshop”?")
    expect(page.locator(".consequences")).to_contain_text("2 people follow this session")
    expect(page.locator(".consequences")).to_contain_text("Calendars subscribed")
    expect(page.locator(".consequences")).to_contain_text("live page")
    assert overflow(page) <= 0
    screenshot(page, "session-cancel-confirm-390")
    workshop.refresh_from_db()
    assert workshop.status == SessionStatus.SCHEDULED  # only asked so far

    page.get_by_label("Reason (shown to attendees)").fill("The trainer's flight is cancelled")
    page.get_by_role("button", name="Cancel the session").click()

    page.wait_for_url(f"**{edit}")
    expect(page.locator(".messages")).to_contain_text("“Workshop” is cancelled")
    expect(page.get_by_role("button", name="Reinstate")).to_be_visible()
    workshop.refresh_from_db()
    assert workshop.status == SessionStatus.CANCELLED
