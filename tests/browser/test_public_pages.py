import pytest

from tests.factories import EventFactory, EventOrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seminar(transactional_db):
    event = EventFactory(slug="seminar", title="Asia-Pacific Regional Seminar on MOOCs")
    EventOrganizationFactory.create_batch(12, event=event)
    return event


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, live_server, seminar):
    page.goto(f"{live_server.url}/events/seminar/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    box = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Enter")

    assert focused == "Skip to content"
    assert box is not None and box["x"] >= 0  # visible on screen when focused
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", [320, 768, 1280])
@pytest.mark.parametrize("path", ["/", "/events/seminar/", "/events/seminar/organisations/"])
def test_pages_do_not_scroll_sideways(page, live_server, seminar, width, path):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}{path}")

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    assert overflow <= 0


def test_language_form_turns_the_page_right_to_left(page, live_server, seminar):
    # A plain form post (no script on the page): works with JavaScript off too.
    page.goto(f"{live_server.url}/events/seminar/")
    page.select_option("#language-select", "ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()

    try:
        assert page.evaluate("document.documentElement.dir") == "rtl"
        assert page.evaluate("document.documentElement.lang") == "ar"
        assert page.url.endswith("/events/seminar/")
    finally:
        page.context.clear_cookies()


def test_focus_outline_is_visible_on_links(page, live_server, seminar):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")

    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")

    assert outline not in ("none", "")
