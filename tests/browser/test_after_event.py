"""Issue 19's path on the demo, in a browser: the organiser opens the report and sees the
delegations by country and region with charts, downloads it as PDF and XLSX; last year's
participant who was checked in downloads their certificate, whose QR code opens the
verification page; the closing session offers its outcome document."""

from io import BytesIO, StringIO
from pathlib import Path

import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from openpyxl import load_workbook

from confman.demo.event_data import DEMO_SLUG
from confman.demo.past_edition import demo_certificate_holder
from confman.management.commands.prepare_demo import PAST_SLUG
from events.models import Event
from registrations.links import magic_token
from sessions.models import Material
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("prepare_demo", stdout=StringIO())
    return (settings.VAR_DIR / "demo-password").read_text().strip()


def demo_sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_organiser_reads_and_downloads_the_report(page, live_server, demo):
    demo_sign_in(page, live_server.url, "organiser", demo)

    page.goto(f"{live_server.url}/events/{DEMO_SLUG}/manage/report/")
    screenshot(page, "report")
    charts = page.locator("svg[role=img]")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as PDF to print").click()
    with page.expect_download() as xlsx:
        page.get_by_role("link", name="Download as Excel (XLSX)").click()

    assert charts.count() >= 3
    assert page.get_by_role("heading", name="By country").is_visible()
    assert page.get_by_role("heading", name="By world region").is_visible()
    assert page.get_by_role("rowheader", name="China", exact=True).first.is_visible()
    assert page.get_by_role("rowheader", name="Asia", exact=True).first.is_visible()
    text = pdf_text(Path(pdf.value.path()).read_bytes())
    assert "Participation report" in text and "China" in text
    workbook = load_workbook(BytesIO(Path(xlsx.value.path()).read_bytes()), read_only=True)
    assert len(workbook.sheetnames) >= 4


def test_a_participant_downloads_a_certificate_its_qr_opens_the_check(page, live_server, demo):
    holder = demo_certificate_holder(Event.objects.get(slug=PAST_SLUG))
    certificate = holder.certificates.get()

    page.goto(f"{live_server.url}/events/{PAST_SLUG}/registration/{magic_token(holder)}/")
    screenshot(page, "certificate-mine")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    # The QR code carries the verification address (its text is printed beside it).
    verify = f"/certificates/{certificate.code}/"
    page.context.clear_cookies()  # a stranger checking it (the private link signed us in)
    page.goto(live_server.url + verify)
    screenshot(page, "certificate-verify")

    assert holder.name in text and certificate.display_code in text
    assert page.get_by_text("This certificate is genuine.").is_visible()
    assert page.get_by_text(holder.name).first.is_visible()
    assert holder.email not in page.content()


def test_the_closing_session_offers_its_outcome_document(page, live_server, demo):
    outcome = Material.objects.get(event__slug=DEMO_SLUG, session__isnull=False, kind="document")

    page.goto(f"{live_server.url}/events/{DEMO_SLUG}/sessions/{outcome.session_id}/")
    screenshot(page, "closing-session")
    with page.expect_download() as download:
        page.get_by_role("link", name="Outcome document: the Shenzhen Statement").click()

    assert download.value.suggested_filename == "shenzhen-statement.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    assert "Closing ceremony" in page.title()
