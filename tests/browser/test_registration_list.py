"""The organiser's registrations list in a real browser, at a laptop's 1280 px and a phone's
390 px, with what makes it wide: long organisation names, long addresses, every kind of row.
The page never scrolls sideways, and the first row's actions (approve, reject, cancel) are on
screen without scrolling sideways; cancelling asks first, without JavaScript."""

import pytest
from playwright.sync_api import expect

from events.models import TeamMember
from registrations.models import Registration, State
from registrations.services.registrations import registration_create
from registrations.services.tickets import ticket_create
from tests.browser.conftest import screenshot
from tests.factories import EventFactory, OrganizationFactory, TeamMemberFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
LIST = "/events/seminar/manage/registrations/"

LONG_ORGANISATIONS = [
    (
        "United Nations Educational, Scientific and Cultural Organization Regional Bureau "
        "for Education in Asia and the Pacific",
        "TH",
    ),
    ("Asian Institute of Technology, School of Environment, Resources and Development", "TH"),
    ("Kwame Nkrumah University of Science and Technology, College of Engineering", "GH"),
    ("Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung", "DE"),
]


@pytest.fixture
def crowded(transactional_db):
    """The seminar's list as it looks mid-registration: confirmed people from organisations
    with long names, a paid ticket, and, newest (the first row), a delegate awaiting approval."""
    event = EventFactory(slug="seminar", title="Asia-Pacific Regional Seminar")
    user = UserFactory(username="organiser")
    TeamMemberFactory(event=event, user=user, role=TeamMember.Role.ORGANISER)
    general = ticket_create(event=event, by=None, name="General participant", modes="either")
    delegate = ticket_create(
        event=event,
        by=None,
        name="Government delegation",
        modes="in_person",
        requires_approval=True,
    )
    organisations = [OrganizationFactory(name=n, country=c) for n, c in LONG_ORGANISATIONS]
    for n, organisation in enumerate(organisations * 2):
        registration_create(
            ticket=general,
            mode="in_person" if n % 2 else "online",
            consent_version="v",
            name=f"Participant with a rather long name {n}",
            email=f"participant.with.a.long.address.{n}@ministry-of-education.example.org",
            country=organisation.country.code,
            organization=organisation,
        )
    waiting = registration_create(
        ticket=delegate,
        mode="in_person",
        consent_version="v",
        name="Nomvula Dlamini-Achterberg",
        email="nomvula.dlamini-achterberg@environment-ministry.example.gov.za",
        country="ZA",
        organization=organisations[0],
    )
    assert waiting.state == State.AWAITING_APPROVAL
    return event, waiting


def sign_in(page, live_server, path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={path}")
    page.get_by_label("Username").fill("organiser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{path}")
    page.wait_for_load_state("load")  # the stylesheets too, before anything is measured


def sideways(page) -> int:
    """How far the page scrolls sideways (0 when it does not)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def on_screen(locator) -> bool:
    """Whether the control is seen where it is, with the page scrolled up or down only: its
    middle is inside the window, and what is drawn there is the control itself (not clipped by
    a scrolling box, not under something else)."""
    locator.evaluate(
        "element => window.scrollTo(0, element.getBoundingClientRect().top + scrollY - 100)"
    )
    return locator.evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            const x = box.left + box.width / 2, y = box.top + box.height / 2;
            if (box.left < 0 || box.right > window.innerWidth || window.scrollX !== 0) return false;
            const seen = document.elementFromPoint(x, y);
            return seen !== null && (seen === element || element.contains(seen));
        }"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_the_list_fits_and_the_first_rows_actions_are_on_screen(page, live_server, crowded, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, LIST)
    expect(page.locator(".reg-headline")).to_contain_text("8 confirmed participants")

    assert sideways(page) <= 0
    first = page.locator(".reg-table tbody tr").first
    expect(first).to_contain_text("Nomvula Dlamini-Achterberg")
    # Approving is one click; rejecting and cancelling are links to the page that asks first.
    assert on_screen(first.get_by_role("button", name="Approve"))
    assert on_screen(first.get_by_role("link", name="Reject"))
    confirmed = page.locator(".reg-table tbody tr").nth(1)
    assert on_screen(confirmed.get_by_role("link", name="Cancel"))
    # Nothing in the list or its filters is wider than the page.
    for box in (".reg-filters", ".reg-stats", ".reg-table"):
        assert page.locator(box).evaluate("e => e.getBoundingClientRect().right") <= width, box
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"registrations-list-{width}")


def test_cancelling_asks_first_and_comes_back_to_the_list_as_it_was(page, live_server, crowded):
    page.set_viewport_size({"width": 390, "height": 844})
    filtered = f"{LIST}?state=confirmed"
    sign_in(page, live_server, filtered)
    row = page.locator(".reg-table tbody tr").first
    name = row.locator(".reg-name").inner_text()
    registration = Registration.objects.get(name=name)

    row.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cancel the registration of {name}?")
    page.wait_for_load_state("load")
    what = page.locator(".reg-confirm")
    expect(what).to_contain_text(f"{name} gets an email at {registration.email}")
    expect(what).to_contain_text("Their badge stops working at check-in.")
    expect(what).to_contain_text("Their seat is freed.")
    assert sideways(page) <= 0
    screenshot(page, "registrations-cancel-confirm-390")

    page.get_by_role("link", name="No, keep it").click()
    assert page.url == f"{live_server.url}{filtered}#registration-{registration.pk}"
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED

    page.locator(f"#registration-{registration.pk}").get_by_role("link", name="Cancel").click()
    page.get_by_label("Reason, quoted in the email (optional)").fill("Visa refused")
    page.get_by_role("button", name="Yes, cancel the registration").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"{name} ({registration.reference}) is cancelled."
    )
    assert page.url == f"{live_server.url}{filtered}"
    registration.refresh_from_db()
    assert registration.state == State.CANCELLED
    assert registration.transitions.last().reason == "Visa refused"
