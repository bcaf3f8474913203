"""Playwright driving Debian's chromium (.ci/run installs it). Without a browser the tests are
skipped, unless CONFMAN_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure."""

import os
import shutil
import tempfile
from contextlib import contextmanager

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@contextmanager
def playwright_session():
    """Playwright, ready to launch Debian's chromium (skipped, or failed under
    CONFMAN_REQUIRE_BROWSER=1, when there is none)."""
    executable = _chromium()
    if executable is None:
        if os.environ.get("CONFMAN_REQUIRE_BROWSER") == "1":
            pytest.fail("CONFMAN_REQUIRE_BROWSER=1 but no chromium is installed")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread, the tests' own ORM calls (factories,
    # assertions, the database flush after each test) are still plain synchronous code.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            yield playwright, executable


# Module scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, which the asyncio and ORM tests of other modules must not inherit.
@pytest.fixture(scope="module")
def browser():
    with playwright_session() as (playwright, executable), tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, live_server):
    page = browser.new_page()
    page.set_default_timeout(10_000)
    yield page
    page.close()
    # The browser context lives for the whole module: the next test starts signed out.
    browser.clear_cookies()


def screenshot(page, name: str) -> None:
    """Saves a full-page screenshot as $CONFMAN_SCREENSHOTS/<name>.png when that is set (the
    closing notes' before/after pictures); otherwise does nothing."""
    folder = os.environ.get("CONFMAN_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


# UserFactory's password: the pages' sign-in form takes it.
PASSWORD = "correct horse battery staple"


def sign_in(page, live_server, user, next_path: str) -> None:
    """Signs `user` in through the sign-in page and waits to be taken to `next_path`."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


def overflow(page) -> float:
    """How many pixels the page is wider than the window (0 or less: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
