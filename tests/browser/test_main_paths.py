"""Every page of the main paths, on the demo conference (the data a new user meets first: long
organisation names, two languages, a live day), at a phone's 390 px and a laptop's 1280 px: none
scrolls sideways. A new page joins PAGES so that it cannot regress either."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from confman.demo.event_data import DEMO_SLUG
from confman.demo.past_edition import demo_certificate_holder
from confman.management.commands.prepare_demo import PAST_SLUG
from events.models import Event
from registrations.links import magic_token
from registrations.models import Registration
from sessions.models import Session
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)

EVENT = f"/events/{DEMO_SLUG}"
PAST = f"/events/{PAST_SLUG}"

# (who is signed in, path, name of the screenshot); "{session}", "{in_person}" and "{online}"
# are filled in from the demo's data.
PAGES = [
    (None, "/", "events"),
    (None, f"{EVENT}/", "event"),
    (None, f"{EVENT}/organisations/", "organisations"),
    (None, f"{EVENT}/agenda/", "agenda"),
    (None, f"{EVENT}/agenda/?day=all", "agenda-all"),
    (None, f"{EVENT}/sessions/{{session}}/", "session"),
    (None, f"{EVENT}/my-agenda/", "my-agenda"),
    (None, f"{EVENT}/live/", "live"),
    (None, f"{EVENT}/register/", "register"),
    (None, f"{EVENT}/registration/{{in_person}}/", "mine-in-person"),
    (None, f"{EVENT}/registration/{{online}}/", "mine-online"),
    (None, "/accounts/login/", "login"),
    (None, "/accounts/email-link/", "sign-in-email"),
    ("checkin", f"{EVENT}/checkin/", "desk"),
    ("checkin", f"{EVENT}/checkin/?q=dupont", "desk-search"),
    ("chair", f"{EVENT}/chair/", "chair"),
    ("organiser", f"{EVENT}/manage/registrations/", "registrations"),
    ("organiser", f"{EVENT}/manage/checkin/", "checkin-statistics"),
    ("organiser", f"{EVENT}/manage/badges/", "badges"),
    ("organiser", f"{EVENT}/manage/notices/", "notices"),
    ("organiser", f"{EVENT}/manage/webhooks/", "webhooks"),
    ("organiser", f"{EVENT}/manage/agenda/", "builder"),
    ("organiser", f"{EVENT}/manage/sessions/new/", "session-new"),
    ("organiser", f"{EVENT}/manage/sessions/{{session}}/", "session-edit"),
    ("organiser", "/accounts/registrations/", "my-registrations"),
    # After the event (issue 19): the report, the materials, last year's certificates.
    ("organiser", f"{EVENT}/manage/report/", "report"),
    ("organiser", f"{EVENT}/manage/materials/", "event-materials"),
    ("organiser", f"{EVENT}/sessions/{{session}}/materials/", "session-materials"),
    ("organiser", f"{PAST}/manage/certificates/", "certificates"),
    (None, f"{PAST}/registration/{{holder}}/", "mine-after"),
    (None, "/certificates/{code}/", "certificate-verify"),
    (None, "/certificates/", "certificate-find"),
]

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    const outside = box.right > width + 1 || box.left < -1;
    if (box.width && outside && !el.closest('[data-scrolls], .skip-link')) {
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`);
    }
  }
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  return {overflow: overflow, wide: wide.slice(0, 5)};
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("prepare_demo", stdout=StringIO())
    online = (
        Registration.objects.filter(event__slug=DEMO_SLUG, mode="online").order_by("pk").first()
    )
    in_person = (
        Registration.objects.filter(event__slug=DEMO_SLUG, mode="in_person").order_by("pk").first()
    )
    holder = demo_certificate_holder(Event.objects.get(slug=PAST_SLUG))
    return {
        "password": (settings.VAR_DIR / "demo-password").read_text().strip(),
        "session": Session.objects.filter(event__slug=DEMO_SLUG).order_by("start", "pk")[0].pk,
        "in_person": magic_token(in_person),
        "online": magic_token(online),
        "holder": magic_token(holder),
        "code": holder.certificates.get().code,
    }


def sign_in(page, base: str, username: str | None, password: str) -> None:
    page.context.clear_cookies()
    if username is None:
        return
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def test_no_page_of_the_main_paths_scrolls_sideways(page, live_server, demo):
    wide = []
    signed_in = "nobody"
    for who, path, name in sorted(PAGES, key=lambda row: row[0] or ""):
        if who != signed_in:
            sign_in(page, live_server.url, who, demo["password"])
            signed_in = who
        url = live_server.url + path.format(**demo)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844 if width < 800 else 800})
            response = page.goto(url)
            assert response is not None and response.status == 200, (path, response)
            found = page.evaluate(OVERFLOW)
            screenshot(page, f"page-{name}-{width}")
            if found["overflow"] > 0:
                wide.append(f"{path} at {width} px: {found['overflow']} px wider; {found['wide']}")

    assert not wide, "\n".join(wide)
