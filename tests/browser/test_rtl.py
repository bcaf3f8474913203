"""Right to left in a real browser: the Arabic pages mirror, and the event's own words (an English
session or event title) keep their own direction inside them, isolated (<bdi>, dir="auto"), so
that the punctuation at their end stays there instead of jumping to the other side."""

import re

import pytest

from registrations.services.tickets import ticket_create
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, RoomFactory, SessionFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each ends with punctuation, which an Arabic paragraph would move to the title's other end.
EVENT_TITLE = "Open Science Forum (OSF)"
SESSION_TITLE = "Open science: what next?"
ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

# Where the words of an element's first text node are: the first and the last word, and the
# last character, each as a box from a Range.
WORD_BOXES = """(el, [first, last]) => {
  const node = document.createTreeWalker(el, NodeFilter.SHOW_TEXT).nextNode();
  const text = node.data;
  function box(start, end) {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    const rect = range.getBoundingClientRect();
    return { left: rect.left, right: rect.right, top: rect.top };
  }
  const i = text.indexOf(first), j = text.lastIndexOf(last);
  return {
    text: text,
    first: box(i, i + first.length),
    last: box(j, j + last.length),
    end: box(text.length - 1, text.length)
  };
}"""


@pytest.fixture
def forum(transactional_db):
    event = EventFactory(slug="forum", title=EVENT_TITLE, timezone="Asia/Shanghai")
    room = RoomFactory(event=event, name="Hall A", order=1)
    session = SessionFactory(
        event=event, room=room, title=SESSION_TITLE, start=at(event, 0, "10:00")
    )
    programme_publish(event=event, by=None)
    ticket_create(event=event, by=None, name="Delegate", modes="in_person")
    return event, session


def reads_right_to_left(page) -> None:
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def isolated_and_in_order(element, title: str) -> None:
    """The title is in an isolated element of its own (left to right, as English is), reads in
    its order, and its last character stays at its end."""
    first, last = title.split()[0], title.split()[-1].strip("?!.()")
    style = element.evaluate(
        "el => [getComputedStyle(el).unicodeBidi, getComputedStyle(el).direction]"
    )
    boxes = element.evaluate(WORD_BOXES, [first, last])

    assert element.evaluate("el => el.innerText.trim()") == title
    assert style == ["isolate", "ltr"]
    assert boxes["text"] == title
    assert boxes["first"]["top"] == pytest.approx(boxes["last"]["top"], abs=2)  # one line
    assert boxes["first"]["right"] <= boxes["last"]["left"]
    assert boxes["last"]["right"] <= boxes["end"]["left"] + 0.5


@pytest.mark.parametrize("width", [390, 1280])
def test_the_agenda_in_arabic_mirrors_and_isolates_the_session_title(
    page, live_server, forum, width
):
    event, session = forum
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/ar/events/forum/agenda/")

    reads_right_to_left(page)
    if width == 390:
        assert no_sideways_scroll(page)
    isolated_and_in_order(page.locator(f"#session-{session.pk} .agenda-item__title"), SESSION_TITLE)
    isolated_and_in_order(page.locator(".eyebrow bdi"), EVENT_TITLE)
    # The item's coloured edge is on the reading side, the right, and the English title lines up
    # with the rest of the item there, although it reads left to right.
    item = page.locator(f"#session-{session.pk}")
    assert item.evaluate("el => getComputedStyle(el).borderRightWidth") == "6px"
    title = page.locator(f"#session-{session.pk} .agenda-item__title")
    ends = title.evaluate(
        """el => [el.getBoundingClientRect().right, (() => {
          const range = document.createRange();
          range.selectNodeContents(el);
          return range.getBoundingClientRect().right;
        })()]"""
    )
    assert ends[1] == pytest.approx(ends[0], abs=1)
    assert not ARABIC_INDIC_DIGITS.search(page.locator("main").inner_text())


@pytest.mark.parametrize("width", [390, 1280])
def test_the_registration_page_in_arabic_mirrors_and_isolates_the_event_title(
    page, live_server, forum, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/ar/events/forum/register/")

    reads_right_to_left(page)
    if width == 390:
        assert no_sideways_scroll(page)
    isolated_and_in_order(page.locator(".eyebrow bdi"), EVENT_TITLE)
    # The form lines up on the right, as Arabic reads.
    form = page.locator("form.registration-form[method=post]").bounding_box()
    legend = page.locator("form.registration-form[method=post] legend").first.bounding_box()
    assert form is not None and legend is not None
    assert form["x"] + form["width"] - (legend["x"] + legend["width"]) < legend["x"] - form["x"]
    assert not ARABIC_INDIC_DIGITS.search(page.locator("main").inner_text())


@pytest.mark.parametrize(("prefix", "arrow", "direction"), [("/ar", "‹", "rtl"), ("", "›", "ltr")])
def test_the_breadcrumb_separator_points_the_way_the_page_reads(
    page, live_server, forum, prefix, arrow, direction
):
    event, session = forum
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}{prefix}/events/forum/sessions/{session.pk}/")
    separator = page.locator(".breadcrumb__separator")
    event_link, agenda_link = page.locator(".breadcrumb a").all()

    content = separator.evaluate("el => getComputedStyle(el, '::before').content")
    box = separator.bounding_box()
    before, after = event_link.bounding_box(), agenda_link.bounding_box()

    assert page.evaluate("document.documentElement.dir") == direction
    assert content == f'"{arrow}"'
    assert separator.get_attribute("aria-hidden") == "true"
    assert box is not None and before is not None and after is not None
    assert box["width"] > 0
    if direction == "rtl":  # from the event to its agenda, right to left
        assert after["x"] + after["width"] <= box["x"] <= box["x"] + box["width"] <= before["x"]
    else:
        assert before["x"] + before["width"] <= box["x"] <= box["x"] + box["width"] <= after["x"]
    isolated_and_in_order(page.locator("h1"), SESSION_TITLE)
