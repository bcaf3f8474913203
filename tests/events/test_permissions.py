import pytest
from django.contrib.auth.models import AnonymousUser

from confman.core.exceptions import NotAuthenticated, NotFound, PermissionDenied
from events.models import Event, TeamMember
from events.permissions import (
    Action,
    events_for,
    has_event_permission,
    require_event_permission,
)
from tests.factories import EventFactory, TeamMemberFactory, UserFactory

ALL_ACTIONS = frozenset(Action)
TEAM_ACTIONS = {
    "owner": ALL_ACTIONS,
    "organiser": ALL_ACTIONS - {Action.DELETE, Action.MANAGE_TEAM},
    "checkin": frozenset(
        {Action.VIEW, Action.VIEW_DRAFT, Action.VIEW_REGISTRATIONS, Action.CHECK_IN}
    ),
}
# What each kind of user may do on a published and on a draft event.
EXPECTED = {
    "owner": {"published": TEAM_ACTIONS["owner"], "draft": TEAM_ACTIONS["owner"]},
    "organiser": {"published": TEAM_ACTIONS["organiser"], "draft": TEAM_ACTIONS["organiser"]},
    "checkin": {"published": TEAM_ACTIONS["checkin"], "draft": TEAM_ACTIONS["checkin"]},
    "outsider": {"published": {Action.VIEW}, "draft": set()},
    "anonymous": {"published": {Action.VIEW}, "draft": set()},
    "none": {"published": {Action.VIEW}, "draft": set()},
    "superuser": {"published": ALL_ACTIONS, "draft": ALL_ACTIONS},
    "inactive_owner": {"published": {Action.VIEW}, "draft": set()},
}


def make_user(kind: str, event: Event):
    """A user of the given kind; team roles are on `event`."""
    if kind in TEAM_ACTIONS:
        return TeamMemberFactory(event=event, role=kind, user=UserFactory()).user
    if kind == "outsider":
        return UserFactory()
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "none":
        return None
    if kind == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    if kind == "inactive_owner":
        user = UserFactory(is_active=False)
        TeamMemberFactory(event=event, role=TeamMember.Role.OWNER, user=user)
        return user
    raise AssertionError(kind)


def slugs(queryset) -> list[str]:
    return list(queryset.order_by("slug").values_list("slug", flat=True))


# --- has_event_permission: the whole matrix -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["published", "draft"])
@pytest.mark.parametrize("action", list(Action), ids=str)
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_has_event_permission_matrix(kind, action, status):
    event = EventFactory(status=status)
    user = make_user(kind, event)

    allowed = has_event_permission(user, event, action)

    assert allowed is (action in EXPECTED[kind][status])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["anonymous", "outsider", "inactive_owner"])
def test_has_event_permission_archived_event_viewable_by_anyone(kind):
    event = EventFactory(status=Event.Status.ARCHIVED)
    user = make_user(kind, event)

    assert has_event_permission(user, event, Action.VIEW) is True
    assert has_event_permission(user, event, Action.VIEW_DRAFT) is False
    assert has_event_permission(user, event, Action.CHANGE) is False


@pytest.mark.django_db
def test_has_event_permission_role_on_other_event_gives_nothing_here():
    other, event = EventFactory(), EventFactory(status=Event.Status.DRAFT)
    owner_elsewhere = make_user("owner", other)

    allowed = {action for action in Action if has_event_permission(owner_elsewhere, event, action)}

    assert allowed == set()


@pytest.mark.django_db
def test_has_event_permission_reads_roles_once_per_user_object(django_assert_num_queries):
    event, other = EventFactory(status="draft"), EventFactory(status="draft")
    user = make_user("organiser", event)

    with django_assert_num_queries(1):
        first = has_event_permission(user, event, Action.CHANGE)
    with django_assert_num_queries(0):
        second = has_event_permission(user, event, Action.CHANGE)
        on_other_event = has_event_permission(user, other, Action.VIEW_DRAFT)

    assert (first, second, on_other_event) == (True, True, False)


@pytest.mark.django_db
def test_has_event_permission_public_view_needs_no_query(django_assert_num_queries):
    event = EventFactory(status="published")
    user = UserFactory()

    with django_assert_num_queries(0):
        allowed = has_event_permission(user, event, Action.VIEW)

    assert allowed is True


# --- require_event_permission ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["owner", "organiser", "superuser"])
def test_require_event_permission_allowed_returns_none(kind):
    event = EventFactory(status="draft")
    user = make_user(kind, event)

    assert require_event_permission(user, event, Action.CHANGE) is None


@pytest.mark.django_db
@pytest.mark.parametrize("user", [AnonymousUser(), None], ids=["anonymous", "none"])
def test_require_event_permission_anonymous_change_on_published_raises_401(user):
    event = EventFactory(status="published")

    with pytest.raises(NotAuthenticated) as excinfo:
        require_event_permission(user, event, Action.CHANGE)

    assert excinfo.value.status == 401
    assert "Sign in" in excinfo.value.message


@pytest.mark.django_db
def test_require_event_permission_organiser_of_other_event_raises_403_naming_roles():
    event, other = EventFactory(slug="seminar"), EventFactory(slug="other-meeting")
    organiser_elsewhere = make_user("organiser", other)

    with pytest.raises(PermissionDenied) as excinfo:
        require_event_permission(organiser_elsewhere, event, Action.CHANGE)

    error = excinfo.value
    assert error.status == 403
    assert "“seminar”" in error.message
    assert "needs one of these roles on the event's team: Organiser, Owner." in error.message
    assert error.details == {"action": "event.change", "your_role": None}


@pytest.mark.django_db
def test_require_event_permission_checkin_managing_team_raises_403_naming_owner_only():
    event = EventFactory(status="draft")
    checkin = make_user("checkin", event)

    with pytest.raises(PermissionDenied) as excinfo:
        require_event_permission(checkin, event, Action.MANAGE_TEAM)

    assert "roles on the event's team: Owner." in excinfo.value.message
    assert excinfo.value.details == {"action": "event.manage_team", "your_role": "checkin"}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["anonymous", "none", "outsider", "inactive_owner"])
@pytest.mark.parametrize("action", [Action.VIEW, Action.CHANGE, Action.DELETE], ids=str)
def test_require_event_permission_without_view_rights_on_draft_raises_404(kind, action):
    event = EventFactory(slug="draft-meeting", status="draft")
    user = make_user(kind, event)

    with pytest.raises(NotFound) as excinfo:
        require_event_permission(user, event, action)

    assert excinfo.value.status == 404
    assert "“draft-meeting”" in excinfo.value.message


@pytest.mark.django_db
def test_require_event_permission_organiser_of_other_event_on_draft_raises_404():
    event, other = EventFactory(status="draft"), EventFactory()
    organiser_elsewhere = make_user("organiser", other)

    with pytest.raises(NotFound):
        require_event_permission(organiser_elsewhere, event, Action.CHANGE)


# --- events_for -----------------------------------------------------------------------------


@pytest.fixture
def events(db):
    """A: draft with a full team; B: published; C: archived; D: another team's draft."""
    created = {
        "a": EventFactory(slug="a-draft", status="draft"),
        "b": EventFactory(slug="b-published", status="published"),
        "c": EventFactory(slug="c-archived", status="archived"),
        "d": EventFactory(slug="d-draft", status="draft"),
    }
    for role in TeamMember.Role.values:
        TeamMemberFactory(event=created["a"], role=role)
        TeamMemberFactory(event=created["b"], role=role)
        TeamMemberFactory(event=created["d"], role=role)
    return created


@pytest.mark.django_db
def test_events_for_organiser_view_sees_own_draft_and_public_events(events):
    organiser = make_user("organiser", events["a"])

    assert slugs(events_for(organiser, Action.VIEW)) == ["a-draft", "b-published", "c-archived"]


@pytest.mark.django_db
def test_events_for_organiser_change_sees_only_own_event(events):
    organiser = make_user("organiser", events["a"])

    assert slugs(events_for(organiser, Action.CHANGE)) == ["a-draft"]


@pytest.mark.django_db
def test_events_for_member_of_several_events_lists_each_once(events):
    organiser = make_user("organiser", events["a"])
    TeamMemberFactory(event=events["b"], user=organiser, role="checkin")

    assert slugs(events_for(organiser, Action.VIEW)) == ["a-draft", "b-published", "c-archived"]
    assert slugs(events_for(organiser, Action.CHECK_IN)) == ["a-draft", "b-published"]
    assert slugs(events_for(organiser, Action.CHANGE)) == ["a-draft"]


@pytest.mark.django_db
def test_events_for_checkin_staff_may_check_in_but_not_change(events):
    checkin = make_user("checkin", events["a"])

    assert slugs(events_for(checkin, Action.CHECK_IN)) == ["a-draft"]
    assert slugs(events_for(checkin, Action.CHANGE)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["anonymous", "none", "outsider"])
def test_events_for_outsiders_view_public_events_only(events, kind):
    user = make_user(kind, events["a"])

    assert slugs(events_for(user, Action.VIEW)) == ["b-published", "c-archived"]
    assert slugs(events_for(user, Action.VIEW_DRAFT)) == []
    assert slugs(events_for(user, Action.CHANGE)) == []


@pytest.mark.django_db
def test_events_for_inactive_owner_views_public_events_only(events):
    inactive = make_user("inactive_owner", events["a"])

    assert slugs(events_for(inactive, Action.VIEW)) == ["b-published", "c-archived"]
    assert slugs(events_for(inactive, Action.DELETE)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("action", [Action.VIEW, Action.DELETE], ids=str)
def test_events_for_superuser_sees_every_event(events, action):
    superuser = make_user("superuser", events["a"])

    assert slugs(events_for(superuser, action)) == [
        "a-draft",
        "b-published",
        "c-archived",
        "d-draft",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["owner", "organiser", "checkin", "outsider", "superuser"])
@pytest.mark.parametrize("action", list(Action), ids=str)
def test_events_for_agrees_with_has_event_permission(events, kind, action):
    user = make_user(kind, events["a"])

    listed = slugs(events_for(user, action))

    expected = sorted(e.slug for e in events.values() if has_event_permission(user, e, action))
    assert listed == expected
