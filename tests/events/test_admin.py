from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from events.models import ApiToken, TeamMember
from tests.factories import EventFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


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

    # As for an event that does not exist: back to the admin's index, saying so.
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert "someone-else" not in response.content.decode()


def test_admin_organiser_cannot_manage_team_but_can_edit_event(client, event, staff_organiser):
    client.force_login(staff_organiser)

    response = client.get(f"/admin/events/event/{event.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="title_0"' in html  # one input per language of the event
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


def _team_post(event, rows):
    data = {
        "title": event.title,
        "acronym": event.acronym,
        "slug": event.slug,
        "status": event.status,
        "description": event.description,
        "timezone": event.timezone,
        "start_date": str(event.start_date),
        "end_date": str(event.end_date),
        "format": event.format,
        "languages": "[]",
        "website": "",
        "contact_email": "",
        "rooms-TOTAL_FORMS": "0",
        "rooms-INITIAL_FORMS": "0",
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "team-TOTAL_FORMS": str(len(rows)),
        "team-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
    }
    if event.venue_id:
        data["venue"] = str(event.venue_id)
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"team-{index}-{key}"] = value
        data[f"team-{index}-event"] = str(event.pk)
    return data


@pytest.fixture
def staff_owner(event, staff_organiser):
    TeamMember.objects.filter(user=staff_organiser).update(role=TeamMember.Role.OWNER)
    return staff_organiser


def test_owner_adds_a_colleague_by_email(client, event, staff_owner):
    colleague = UserFactory(username="li.ming", email="li.ming@example.org")
    owner_row = TeamMember.objects.get(user=staff_owner)
    client.force_login(staff_owner)

    response = client.post(
        f"/admin/events/event/{event.pk}/change/",
        _team_post(
            event,
            [
                {"id": str(owner_row.pk), "user": "staff-organiser", "role": "owner"},
                {"user": "LI.MING@example.org", "role": "checkin"},
            ],
        ),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert TeamMember.objects.get(event=event, user=colleague).role == "checkin"


def test_last_owner_cannot_step_down(client, event, staff_owner):
    owner_row = TeamMember.objects.get(user=staff_owner)
    client.force_login(staff_owner)

    response = client.post(
        f"/admin/events/event/{event.pk}/change/",
        _team_post(
            event, [{"id": str(owner_row.pk), "user": "staff-organiser", "role": "organiser"}]
        ),
    )

    assert response.status_code == 200
    assert "at least one owner" in response.content.decode()
    assert TeamMember.objects.get(user=staff_owner).role == "owner"


@pytest.mark.parametrize("size", [1, 5])
def test_event_change_page_query_count_does_not_grow(
    client, event, staff_owner, django_assert_num_queries, size
):
    """Session, user, event, team roles, the user's and group's permissions, the event's content
    type, then one query each for the rooms, tracks, team (with users) and venue inlines, and the
    count of the event's organisations: 12 for one row of each or five (and 50 organisations)."""
    from tests.factories import EventOrganizationFactory, RoomFactory, TrackFactory

    RoomFactory.create_batch(size, event=event)
    TrackFactory.create_batch(size, event=event)
    EventOrganizationFactory.create_batch(size * 10, event=event)
    for _ in range(size):
        TeamMember.objects.create(event=event, user=UserFactory(), role="checkin")
    client.force_login(staff_owner)
    # Looked up once per process, so the count would depend on which test ran first.
    ContentType.objects.clear_cache()

    with django_assert_num_queries(12):
        response = client.get(f"/admin/events/event/{event.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert all(f'value="{room.name}"' in html for room in event.rooms.all())
    assert all(f'value="{track.name}"' in html for track in event.tracks.all())


def test_revoked_token_cannot_be_switched_back_on(client, staff_organiser):
    from events.services import api_token_create, api_token_revoke

    token, _plaintext = api_token_create(user=staff_organiser, name="scanner")
    api_token_revoke(token=token)
    client.force_login(staff_organiser)

    page = client.get(f"/admin/events/apitoken/{token.pk}/change/").content.decode()
    client.post(f"/admin/events/apitoken/{token.pk}/change/", {"revoked_at": ""})

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert 'name="revoked_at"' not in page


def test_token_with_past_expiry_is_a_form_error(client, staff_organiser):
    client.force_login(staff_organiser)

    response = client.post(
        "/admin/events/apitoken/add/",
        {"name": "old", "expires_at_0": "2001-01-01", "expires_at_1": "10:00:00"},
    )

    assert response.status_code == 200
    assert "in the future" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_organiser_cannot_change_a_venue_another_event_uses(client, event, staff_organiser):
    foreign = EventFactory(slug="elsewhere")
    client.force_login(staff_organiser)

    shared = client.get(f"/admin/events/venue/{foreign.venue_id}/change/")
    own = client.get(f"/admin/events/venue/{event.venue_id}/change/")

    assert 'name="name_0"' not in shared.content.decode()
    assert 'name="name_0"' in own.content.decode()  # one input per language


def test_event_organisations_admin_is_scoped(client, event, staff_organiser):
    from tests.factories import EventOrganizationFactory

    EventOrganizationFactory(event=event, organization__name="Makerere University")
    EventOrganizationFactory(
        event=EventFactory(slug="elsewhere"), organization__name="Hidden University"
    )
    client.force_login(staff_organiser)

    html = client.get("/admin/events/eventorganization/").content.decode()

    assert "Makerere University" in html
    assert "Hidden University" not in html


def test_migrate_creates_the_organisers_group():
    group = Group.objects.get(name="Organisers")

    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_event", "change_event", "add_organization", "add_apitoken"} <= codenames
    assert "delete_organization" not in codenames


class _Inputs(HTMLParser):
    """A page's form as the browser would send it back unchanged."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        kind = a.get("type", "text")
        if tag == "input" and a.get("name") and kind not in ("submit", "checkbox", "file"):
            self.data[a["name"]] = a.get("value") or ""
        elif tag == "input" and kind == "checkbox" and "checked" in a:
            self.data[a["name"]] = a.get("value") or "on"
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def test_an_organiser_who_may_not_manage_the_team_saves_the_event(client, event, staff_organiser):
    """The team is shown to them read-only; saving the event used to check that read-only team
    and answer 500 ('str' object has no attribute 'pk')."""
    TeamMemberFactory(event=event, role=TeamMember.Role.OWNER, user=UserFactory(username="boss"))
    client.force_login(staff_organiser)
    url = f"/admin/events/event/{event.pk}/change/"
    form = _Inputs()
    form.feed(client.get(url).content.decode())

    response = client.post(url, {**form.data, "acronym": "APRS"})

    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert event.acronym == "APRS"
    assert TeamMember.objects.filter(event=event).count() == 2


@pytest.mark.parametrize(
    "changelist",
    [
        "/admin/registrations/tickettype/",
        "/admin/registrations/quota/",
        "/admin/registrations/question/",
        "/admin/agenda/person/",
        "/admin/agenda/session/",
        "/admin/agenda/sessionupdate/",
        "/admin/livestream/stream/",
        "/admin/events/eventorganization/",
    ],
)
def test_the_event_filter_of_every_list_offers_only_the_users_events(
    client, event, staff_organiser, changelist
):
    EventFactory(slug="their-draft", title="Another Team's Secret Draft", status="draft")
    second = EventFactory(slug="second", title="Our Second Forum")
    TeamMemberFactory(event=second, role=TeamMember.Role.ORGANISER, user=staff_organiser)
    client.force_login(staff_organiser)

    html = client.get(changelist).content.decode()

    assert "Our Second Forum" in html  # the filter is there, with both of their events
    assert "Secret Draft" not in html
