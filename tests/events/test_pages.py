import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import TeamMember
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    RoomFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 100 * 1024


def test_event_list_shows_published_events_for_anonymous(client, event, draft_event):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Asia-Pacific Regional Seminar" in html
    assert "Partnership Meeting" not in html
    assert len(response.content) < PAGE_BUDGET


def test_event_list_shows_drafts_to_their_team(client, draft_event):
    member = TeamMember.objects.create(
        event=draft_event, user=UserFactory(username="teammate"), role=TeamMember.Role.CHECKIN
    )
    client.force_login(member.user)

    html = client.get("/").content.decode()

    assert "Partnership Meeting" in html
    assert "Draft: visible to the team only" in html


def test_event_list_puts_upcoming_before_past(client):
    today = dt.date.today()
    EventFactory(
        title="Past Forum",
        start_date=today - dt.timedelta(days=90),
        end_date=today - dt.timedelta(days=89),
    )
    EventFactory(
        title="Coming Forum",
        start_date=today + dt.timedelta(days=9),
        end_date=today + dt.timedelta(days=10),
    )

    html = client.get("/").content.decode()

    assert html.index("Upcoming and ongoing") < html.index("Coming Forum")
    assert html.index("Coming Forum") < html.index("Past events") < html.index("Past Forum")


@pytest.mark.parametrize("size", [1, 3])
def test_event_list_query_count_does_not_grow(client, django_assert_num_queries, size):
    EventFactory.create_batch(size)

    with django_assert_num_queries(1):
        response = client.get("/")

    assert response.status_code == 200


def test_event_page_shows_when_in_event_zone_with_offset(client, event):
    html = client.get("/events/seminar/").content.decode()

    assert "Asia/Shanghai" in html
    assert "UTC+08:00" in html
    assert "Shenzhen" in html
    assert "Hybrid" in html


def test_event_page_states_dst_change_during_event(client):
    EventFactory(
        slug="autumn",
        timezone="Europe/Paris",
        start_date=dt.date(2026, 10, 24),
        end_date=dt.date(2026, 10, 26),
    )

    html = client.get("/events/autumn/").content.decode()

    assert "UTC+02:00" in html
    assert "changing to <bdi>UTC+01:00</bdi>" in html


def test_event_page_lists_organisations_by_role_with_countries(client, event):
    EventOrganizationFactory(
        event=event,
        role="organiser",
        organization__name="UNESCO Bangkok",
        organization__country="TH",
        organization__kind="un_agency",
    )
    EventOrganizationFactory(
        event=event, role="partner", organization__name="UET Lahore", organization__country="PK"
    )

    html = client.get("/events/seminar/").content.decode()

    assert html.index("Organisers") < html.index("UNESCO Bangkok") < html.index("Partners")
    assert html.index("Partners") < html.index("UET Lahore")
    assert "Thailand" in html
    assert "Pakistan" in html


@pytest.mark.parametrize("size", [1, 6])
def test_event_page_query_count_does_not_grow(client, event, django_assert_num_queries, size):
    EventOrganizationFactory.create_batch(size, event=event)
    RoomFactory.create_batch(size, event=event)
    TrackFactory.create_batch(size, event=event)

    # event with venue, organisations per role, the partners, rooms, tracks, the programme,
    # the event's materials
    with django_assert_num_queries(7):
        response = client.get("/events/seminar/")

    assert response.status_code == 200
    assert len(response.content) < PAGE_BUDGET


def test_event_page_shows_a_preview_of_thousands_of_partners(client, event):
    EventOrganizationFactory.create_batch(60, event=event, role="partner")
    EventOrganizationFactory(event=event, role="organiser", organization__name="UNESCO-ICHEI")

    response = client.get("/events/seminar/")

    html = response.content.decode()
    assert 'Partners <span class="count">(60)</span>' in html
    assert "UNESCO-ICHEI" in html
    assert html.count("<li>") < 40
    assert "See all 60 organisations" in html


def test_organisations_page_lists_all_by_role_and_paginates(client, event):
    EventOrganizationFactory.create_batch(130, event=event, role="partner")
    EventOrganizationFactory(event=event, role="sponsor", organization__name="Seewo")
    EventOrganizationFactory(event=event, role="organiser", organization__name="UNESCO Bangkok")

    first = client.get("/events/seminar/organisations/").content.decode()
    second = client.get("/events/seminar/organisations/?page=2").content.decode()

    assert "132 organisations take part." in first
    assert first.index("Organisers") < first.index("UNESCO Bangkok") < first.index("Partners")
    assert "Page 1 of 2" in first
    assert "Seewo" in second and "Sponsors" in second


def test_draft_event_page_is_404_for_public(client, draft_event):
    response = client.get("/events/draft-meeting/")

    assert response.status_code == 404
    assert "draft-meeting" in response.content.decode()


def test_draft_event_page_is_404_for_other_teams(client, draft_event, organiser):
    client.force_login(organiser)

    assert client.get("/events/draft-meeting/").status_code == 404


def test_draft_event_page_is_shown_to_its_team_with_a_notice(client, draft_event, outsider):
    TeamMember.objects.create(event=draft_event, user=outsider, role=TeamMember.Role.ORGANISER)
    client.force_login(outsider)

    response = client.get("/events/draft-meeting/")

    assert response.status_code == 200
    assert "Only the event's team can see this page" in response.content.decode()


def test_event_page_offers_edit_link_to_organisers_only(client, event, organiser, checkin_staff):
    edit = reverse("admin:events_event_change", args=[event.pk])

    client.force_login(checkin_staff)
    as_checkin = client.get("/events/seminar/").content.decode()
    client.force_login(organiser)
    as_organiser = client.get("/events/seminar/").content.decode()

    assert edit not in as_checkin
    assert edit in as_organiser


def test_unknown_page_is_404(client, db):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "list of events" in response.content.decode()


def test_pages_have_landmarks_language_and_skip_link(client, event):
    html = client.get("/events/seminar/").content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert '<main id="main"' in html
    assert 'href="#main"' in html
    assert "<nav aria-label=" in html
    assert '<label for="language-select">' in html


def test_arabic_page_is_right_to_left(client, event):
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})

    html = client.get("/events/seminar/").content.decode()

    assert '<html lang="ar" dir="rtl">' in html


def test_login_page_signs_in(client, organiser):
    page = client.get("/accounts/login/")
    response = client.post(
        "/accounts/login/",
        {"username": "organiser", "password": "correct horse battery staple", "next": "/"},
    )

    assert page.status_code == 200
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "organiser"


def test_production_static_files_are_hashed_and_served(client, event, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)

    html = client.get("/").content.decode()
    css_url = re.search(r'href="(/static/confman/site\.[0-9a-f]+\.css)"', html).group(1)
    response = client.get(css_url)

    assert response.status_code == 200
    assert "max-age=315360000" in response["Cache-Control"]


def test_login_errors_are_tied_to_their_field(client, db):
    response = client.post("/accounts/login/", {"username": "", "password": ""})

    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_username_error"' in html
    assert 'id="id_username_error"' in html
