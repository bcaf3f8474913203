"""Organisers' badge print runs: what goes in, the layouts, the background task and its progress,
and who may see and download them."""

import io
import math

import pikepdf
import pytest
from django.core.management import call_command
from django.urls import reverse

from confman.core.exceptions import Conflict
from registrations.badges import print_runs
from registrations.badges.content import badges_for
from registrations.badges.print_runs import badge_print_run_create, badge_print_selection, run_file
from registrations.models import BadgePrint, BadgePrintRun, State
from registrations.services.registrations import badge_reissue
from tests.factories import OrganizationFactory
from tests.factories.registrations import BadgeRegistrationFactory, TicketTypeFactory
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def delegate(event):
    return TicketTypeFactory(event=event, name="Delegate")


@pytest.fixture
def partner(event):
    return TicketTypeFactory(event=event, name="Partner")


def people(ticket, n, **fields):
    return [BadgeRegistrationFactory(ticket=ticket, **fields) for _ in range(n)]


def run_now(django_capture_on_commit_callbacks, **arguments) -> BadgePrintRun:
    """Create a run and let its task run (immediate backend) as the transaction commits."""
    arguments.setdefault("layout", "a6")
    with django_capture_on_commit_callbacks(execute=True):
        run = badge_print_run_create(by=None, **arguments)
    run.refresh_from_db()
    return run


def pages(run: BadgePrintRun) -> int:
    with pikepdf.Pdf.open(run_file(run)) as document:
        return len(document.pages)


# --- what goes in -----------------------------------------------------------------------------


def test_a_run_prints_confirmed_in_person_badges_only(event, delegate):
    printed = people(delegate, 2)
    online_ticket = TicketTypeFactory(event=event, modes="either")
    people(online_ticket, 1, mode="online")
    people(delegate, 1, state=State.WAITLISTED, badge_secret=None)
    people(delegate, 1, state=State.CANCELLED, badge_secret=None)

    assert set(badge_print_selection(event, {})) == set(printed)


def test_a_run_filters_by_ticket_and_country(event, delegate, partner):
    kenyans = people(delegate, 2, country="KE")
    people(delegate, 1, country="CN")
    partners = people(partner, 1, country="KE")

    assert set(badge_print_selection(event, {"tickets": [delegate.pk], "country": "KE"})) == set(
        kenyans
    )
    assert set(badge_print_selection(event, {"tickets": [partner.pk]})) == set(partners)


@pytest.mark.usefixtures("immediate_tasks")
def test_only_new_leaves_out_printed_badges_but_not_reissued_ones(
    event, delegate, django_capture_on_commit_callbacks
):
    first = people(delegate, 3)
    run_now(django_capture_on_commit_callbacks, event=event)
    late = people(delegate, 1)
    reissued = badge_reissue(registration=first[0], by=None)

    assert set(badge_print_selection(event, {"only_new": True})) == {late[0], reissued}
    second = run_now(django_capture_on_commit_callbacks, event=event, only_new=True)
    assert second.total == 2
    assert pages(second) == 2
    assert set(badge_print_selection(event, {"only_new": True})) == set()


@pytest.mark.usefixtures("immediate_tasks")
def test_a_failed_run_counts_as_not_printed(event, delegate, django_capture_on_commit_callbacks):
    people(delegate, 2)
    run = run_now(django_capture_on_commit_callbacks, event=event)
    BadgePrintRun.objects.filter(pk=run.pk).update(status=BadgePrintRun.Status.FAILED)

    assert badge_print_selection(event, {"only_new": True}).count() == 2


def test_a_run_with_nothing_to_print_is_refused(event, delegate):
    with pytest.raises(Conflict) as refused:
        badge_print_run_create(event=event, by=None, layout="a6", only_new=True)

    assert refused.value.code == "nothing_to_print"


def test_one_run_at_a_time_per_event(event, delegate):
    people(delegate, 1)
    badge_print_run_create(event=event, by=None, layout="a6")  # queued, task not run

    with pytest.raises(Conflict) as refused:
        badge_print_run_create(event=event, by=None, layout="a6")

    assert refused.value.code == "print_run_busy"


# --- layouts and the task ---------------------------------------------------------------------


@pytest.mark.usefixtures("immediate_tasks")
@pytest.mark.parametrize(("layout", "per_page"), [("a6", 1), ("a4_4up", 4)])
def test_page_count_follows_the_layout(
    event, delegate, django_capture_on_commit_callbacks, layout, per_page
):
    registrations = people(delegate, 7)

    run = run_now(django_capture_on_commit_callbacks, event=event, layout=layout)

    assert run.status == BadgePrintRun.Status.DONE
    assert (run.done, run.total) == (7, 7)
    assert pages(run) == math.ceil(7 / per_page)
    with pikepdf.Pdf.open(run_file(run)) as document:
        width, height = (float(v) * 25.4 / 72 for v in document.pages[0].mediabox[2:])
    assert (round(width), round(height)) == ((105, 148) if layout == "a6" else (210, 297))
    text = pdf_text(run_file(run))
    assert all(r.badge_secret in text for r in registrations)
    assert set(BadgePrint.objects.filter(run=run).values_list("secret", flat=True)) == {
        r.badge_secret for r in registrations
    }


@pytest.mark.usefixtures("immediate_tasks")
def test_a_run_renders_in_chunks_joined_in_name_order(
    event, delegate, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(print_runs, "CHUNK", 4)
    monkeypatch.setattr(print_runs, "PROCESSES", 1)
    for name in [
        "Zhang Wei",
        "Амина",
        "Bruno",
        "Ana",
        "Émile",
        "王小明",
        "Carla",
        "David",
        "Yusuf",
    ]:
        BadgeRegistrationFactory(ticket=delegate, name=name)

    run = run_now(django_capture_on_commit_callbacks, event=event)

    assert pages(run) == 9
    text = pdf_text(run_file(run))
    order = ["Ana", "Bruno", "Carla", "David", "Émile", "Yusuf", "Zhang Wei", "Амина", "王小明"]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions)


@pytest.mark.usefixtures("immediate_tasks")
def test_chunks_render_in_worker_processes(
    event, delegate, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(print_runs, "CHUNK", 4)
    monkeypatch.setattr(print_runs, "PROCESSES", 2)
    registrations = people(delegate, 10)

    run = run_now(django_capture_on_commit_callbacks, event=event, layout="a4_4up")

    assert run.status == BadgePrintRun.Status.DONE
    assert pages(run) == 3
    assert BadgePrint.objects.filter(run=run).count() == len(registrations)


@pytest.mark.django_db(transaction=True)
def test_the_worker_renders_a_queued_run_and_marks_it_done(event, delegate):
    people(delegate, 3)
    run = badge_print_run_create(event=event, by=None, layout="a6")
    assert run.status == BadgePrintRun.Status.QUEUED

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    run.refresh_from_db()
    assert run.status == BadgePrintRun.Status.DONE
    assert (run.done, run.total) == (3, 3)
    assert run.finished_at is not None
    assert pages(run) == 3


@pytest.mark.usefixtures("immediate_tasks")
def test_a_run_that_cannot_render_is_marked_failed_with_the_reason(
    event, delegate, django_capture_on_commit_callbacks, monkeypatch
):
    people(delegate, 2)

    def broken(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(print_runs, "render_to_file", broken)

    run = run_now(django_capture_on_commit_callbacks, event=event)

    assert run.status == BadgePrintRun.Status.FAILED
    assert "No space left on device" in run.error
    assert run_file(run) is None
    assert not BadgePrint.objects.filter(run=run, run__status="done").exists()


# --- the organisers' page ---------------------------------------------------------------------


def badges_url(event):
    return reverse("registrations:badges", kwargs={"slug": event.slug})


def download_url(run):
    return reverse("registrations:badges-download", kwargs={"slug": run.event.slug, "pk": run.pk})


@pytest.mark.usefixtures("immediate_tasks")
def test_an_organiser_starts_a_run_and_downloads_it(
    client, organiser, event, delegate, partner, django_capture_on_commit_callbacks
):
    people(delegate, 2)
    people(partner, 1)
    client.force_login(organiser)

    page = client.get(badges_url(event))
    assert page.status_code == 200
    assert "Print badges" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            badges_url(event), {"layout": "a4_4up", "tickets": [delegate.pk], "country": ""}
        )

    assert response.status_code == 302
    run = BadgePrintRun.objects.get()
    assert run.status == BadgePrintRun.Status.DONE
    assert run.requested_by == organiser
    listing = client.get(badges_url(event)).content.decode()
    assert download_url(run) in listing
    assert 'http-equiv="refresh"' not in listing
    assert "Delegate" in listing
    download = client.get(download_url(run))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_page_refreshes_itself_while_a_run_is_in_progress(client, organiser, event, delegate):
    people(delegate, 1)
    run = badge_print_run_create(event=event, by=organiser, layout="a6")  # not run yet
    client.force_login(organiser)

    page = client.get(badges_url(event)).content.decode()

    assert '<meta http-equiv="refresh"' in page
    assert f'id="run-progress-{run.pk}"' in page
    assert "0 of 1" in page
    assert "UTC+08:00" in page  # when it was asked for, in the event's zone


def test_a_busy_run_is_explained_on_the_page(client, organiser, event, delegate):
    people(delegate, 1)
    badge_print_run_create(event=event, by=organiser, layout="a6")
    client.force_login(organiser)

    response = client.post(badges_url(event), {"layout": "a6"}, follow=True)

    assert "still being prepared" in response.content.decode()
    assert BadgePrintRun.objects.count() == 1


def test_an_invalid_form_says_what_is_wrong(client, organiser, event, delegate):
    client.force_login(organiser)

    response = client.post(badges_url(event), {"layout": "a3", "tickets": ["999"]})

    assert response.status_code == 422
    assert not BadgePrintRun.objects.exists()


@pytest.mark.usefixtures("immediate_tasks")
def test_print_runs_are_for_organisers_only(
    client, organiser, checkin_staff, outsider, event, delegate, django_capture_on_commit_callbacks
):
    people(delegate, 1)
    run = run_now(django_capture_on_commit_callbacks, event=event)

    for url in (badges_url(event), download_url(run)):
        anonymous = client.get(url)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("login"))
        client.force_login(checkin_staff)
        assert client.get(url).status_code == 403
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        client.logout()
    client.force_login(checkin_staff)
    assert client.post(badges_url(event), {"layout": "a6"}).status_code == 403
    assert BadgePrintRun.objects.count() == 1


def test_a_run_of_another_event_is_not_found(client, organiser, event, delegate, owner):
    from tests.factories import EventFactory, TeamMemberFactory

    other = EventFactory(slug="other")
    TeamMemberFactory(event=other, user=organiser, role="organiser")
    people(TicketTypeFactory(event=other), 1)
    run = badge_print_run_create(event=other, by=None, layout="a6")
    client.force_login(organiser)

    url = reverse("registrations:badges-download", kwargs={"slug": event.slug, "pk": run.pk})
    assert client.get(url).status_code == 404


def test_the_registrations_page_links_to_badges_for_organisers(
    client, organiser, checkin_staff, event
):
    client.force_login(organiser)
    assert (
        badges_url(event)
        in client.get(reverse("registrations:manage", kwargs={"slug": event.slug})).content.decode()
    )
    client.force_login(checkin_staff)
    assert (
        badges_url(event)
        not in client.get(
            reverse("registrations:manage", kwargs={"slug": event.slug})
        ).content.decode()
    )


def test_the_badges_page_costs_a_fixed_number_of_queries(
    client, organiser, event, delegate, django_assert_num_queries
):
    people(delegate, 2)
    client.force_login(organiser)
    for _ in range(3):
        BadgePrintRun.objects.create(event=event, layout="a6", total=2, status="done")
    with django_assert_num_queries(10):
        few = client.get(badges_url(event))
    for _ in range(10):
        BadgePrintRun.objects.create(event=event, layout="a4_4up", total=2, status="failed")
    with django_assert_num_queries(10):
        many = client.get(badges_url(event))

    assert few.status_code == many.status_code == 200


def test_the_badges_page_lists_what_no_font_can_print_before_printing(
    client, organiser, event, delegate
):
    flower = BadgeRegistrationFactory(ticket=delegate, name="Ana 🌻 Silva")
    coffee = BadgeRegistrationFactory(
        ticket=delegate, organization=OrganizationFactory(name="Café ☕ Collective")
    )
    BadgeRegistrationFactory(ticket=delegate, name="Amina Yusuf")
    client.force_login(organiser)

    page = client.get(badges_url(event)).content.decode()

    assert "2 badges have characters that no badge font can print" in page
    assert f"?q={flower.reference}" in page
    assert "Ana 🌻 Silva" in page
    assert 'left out: <span title="U+1F33B">🌻</span>' in page
    assert f"?q={coffee.reference}" in page
    assert 'left out: <span title="U+2615">☕</span>' in page
    assert "Amina Yusuf" not in page
    assert "nothing of it is left to print" not in page


def test_a_name_no_font_can_print_at_all_is_called_out(client, organiser, event, delegate):
    BadgeRegistrationFactory(ticket=delegate, name="አበበ ቢቂላ")  # Ethiopic: no bundled font
    client.force_login(organiser)

    page = client.get(badges_url(event)).content.decode()

    assert "1 badge has characters that no badge font can print" in page
    assert '<span title="U+12A0">አ</span>' in page
    assert "nothing of it is left to print" in page


def test_an_event_title_no_font_can_print_counts_for_every_badge(
    client, organiser, event, delegate
):
    event.title = {"en": "PyCon 🐍 Asia"}
    event.save()
    people(delegate, 3)
    client.force_login(organiser)

    page = client.get(badges_url(event)).content.decode()

    assert "3 badges have characters that no badge font can print" in page
    assert 'left out: <span title="U+1F40D">🐍</span>' in page


def test_the_badges_page_says_nothing_when_every_character_prints(
    client, organiser, event, delegate
):
    BadgeRegistrationFactory(ticket=delegate, name="王小明")
    BadgeRegistrationFactory(ticket=delegate, name="محمد الهاشمي")
    client.force_login(organiser)

    page = client.get(badges_url(event)).content.decode()

    assert 'id="badges-left-out"' not in page


def test_render_lays_four_badges_on_an_a4_sheet(event, delegate):
    from registrations.badges.pdf import Layout, render

    registrations = people(delegate, 5)
    pdf = render(badges_for(event, registrations), Layout.A4)

    with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 2
