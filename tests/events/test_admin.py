import pytest
from django.contrib.auth.models import Group, Permission

from events.models import ApiToken, TeamMember
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_organiser(event):
    group = Group.objects.create(name="Organisers")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="events"))
    user = UserFactory(username="staff-organiser", is_staff=True)
    user.groups.add(group)
    TeamMember.objects.create(event=event, user=user, role=TeamMember.Role.ORGANISER)
    return user


def test_admin_lists_only_the_organisers_events(client, event, staff_organiser):
    EventFactory(slug="someone-else", title="Someone Else's Forum")
    client.force_login(staff_organiser)

    html = client.get("/admin/events/event/").content.decode()

    assert "Asia-Pacific Regional Seminar" in html
    assert "Someone Else" not in html


def test_admin_refuses_another_events_change_page(client, staff_organiser):
    other = EventFactory(slug="someone-else")
    client.force_login(staff_organiser)

    response = client.get(f"/admin/events/event/{other.pk}/change/")

    assert response.status_code in (302, 403, 404)
    assert "someone-else" not in response.content.decode()


def test_admin_organiser_cannot_manage_team_but_can_edit_event(client, event, staff_organiser):
    client.force_login(staff_organiser)

    response = client.get(f"/admin/events/event/{event.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="title"' in html
    assert 'name="team-0-role"' not in html


def test_admin_creating_an_event_makes_the_creator_owner(client, staff_organiser):
    client.force_login(staff_organiser)

    response = client.post(
        "/admin/events/event/add/",
        {
            "title": "IIOE Consultative Meeting",
            "acronym": "IIOE",
            "slug": "iioe-meeting",
            "status": "draft",
            "description": "",
            "timezone": "Asia/Shanghai",
            "start_date": "2027-12-07",
            "end_date": "2027-12-08",
            "format": "in_person",
            "languages": "[]",
            "website": "",
            "contact_email": "",
            **{
                f"{prefix}-{key}": value
                for prefix in ("rooms", "tracks", "event_organizations", "team")
                for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    member = TeamMember.objects.get(event__slug="iioe-meeting")
    assert (member.user, member.role) == (staff_organiser, TeamMember.Role.OWNER)


def test_admin_api_token_is_shown_once_and_stored_hashed(client, staff_organiser):
    client.force_login(staff_organiser)

    response = client.post("/admin/events/apitoken/add/", {"name": "scanner"}, follow=True)

    token = ApiToken.objects.get()
    html = response.content.decode()
    assert token.user == staff_organiser
    assert "Your new API token is cm_" in html
    assert token.token_hash not in html
