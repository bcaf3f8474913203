"""The prepared_queries fast path: a query compiled once gives, for any values, what the ORM
gives; switched off, the ORM gives it."""

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from confman.core.fastpaths.prepared import PreparedQuery
from events.models import Event, Organization, TeamMember
from registrations.models import Registration
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.factories.registrations import BadgeRegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

FIELDS = ("event_id", "reference", "name", "country", "ticket__name", "organization__name")

BY_BADGE = PreparedQuery(
    lambda p: (
        Registration.objects.select_related("ticket", "organization")
        .only(*FIELDS)
        .filter(badge_secret=p.str("secret"))
    )
)


def orm_by_badge(secret):
    return (
        Registration.objects.select_related("ticket", "organization")
        .only(*FIELDS)
        .get(badge_secret=secret)
    )


def loaded(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


@pytest.fixture
def people():
    ticket = TicketTypeFactory(name="Delegate")
    with_org = BadgeRegistrationFactory(
        ticket=ticket, name="Aigerim Bekova", organization=Organization.objects.create(name="UNDP")
    )
    without_org = BadgeRegistrationFactory(ticket=ticket, name="Nguyễn Văn An")
    return with_org, without_org


def test_instances_match_the_orm_with_related_objects_and_deferred_fields(people):
    for person in people:
        got, expected = BY_BADGE.get(secret=person.badge_secret), orm_by_badge(person.badge_secret)
        assert type(got) is Registration and got.pk == person.pk
        assert loaded(got) == loaded(expected)
        assert got.get_deferred_fields() == expected.get_deferred_fields() != set()
        assert got._state.db == "default" and got._state.adding is False
        assert loaded(got.ticket) == loaded(expected.ticket)
        if person.organization_id:
            assert got.organization.name == "UNDP"
        else:
            assert got.organization is None
    # Deferred fields still load on access, as from the ORM.
    assert got.email == people[1].email


def test_each_call_runs_one_query_with_its_own_values(people, django_assert_num_queries):
    BY_BADGE.get(secret=people[0].badge_secret)  # compiled on first use
    for person in (*people, *people):
        with django_assert_num_queries(1):
            assert BY_BADGE.get(secret=person.badge_secret).pk == person.pk


def test_get_raises_like_queryset_get(people):
    with pytest.raises(Registration.DoesNotExist):
        BY_BADGE.get(secret="no such badge")
    assert BY_BADGE.first(secret="no such badge") is None
    everyone = PreparedQuery(lambda p: Registration.objects.filter(event_id=p.int("event")))
    with pytest.raises(Registration.MultipleObjectsReturned, match="it returned 2"):
        everyone.get(event=people[0].event_id)
    assert sorted(r.pk for r in everyone.all(event=people[0].event_id)) == sorted(
        p.pk for p in people
    )


def test_values_list_rows_and_flat_values():
    event, other = EventFactory(), EventFactory()
    user = UserFactory()
    TeamMemberFactory(event=event, user=user, role=TeamMember.Role.CHECKIN)
    TeamMemberFactory(event=other, user=user, role=TeamMember.Role.OWNER)
    rows = PreparedQuery(
        lambda p: (
            TeamMember.objects.filter(user_id=p.int("user"))
            .order_by("event_id")
            .values_list("event_id", "role")
        )
    )
    assert rows.all(user=user.pk) == [(event.pk, "checkin"), (other.pk, "owner")]
    assert rows.all(user=user.pk + 1000) == []
    slugs = PreparedQuery(
        lambda p: (
            Event.objects.filter(pk__in=[p.int("a"), p.int("b")])
            .order_by("slug")
            .values_list("slug", flat=True)
        )
    )
    assert slugs.all(a=event.pk, b=other.pk) == sorted([event.slug, other.slug])


def test_annotations_and_converted_values():
    event = EventFactory()
    TicketTypeFactory(event=event)
    TicketTypeFactory(event=event)
    counted = PreparedQuery(
        lambda p: Event.objects.filter(slug=p.str("slug")).annotate(tickets=Count("ticket_types"))
    )
    got = counted.get(slug=event.slug)
    assert got.tickets == 2
    # Dates, datetimes and booleans come back as Python values, as the ORM converts them.
    assert got.start_date == event.start_date and got.created_at == event.created_at


def test_a_placeholder_used_twice_and_a_limit():
    event = EventFactory()
    one = PreparedQuery(
        lambda p: Event.objects.filter(pk=p.int("id"), pk__gte=p.int("id")).order_by("pk")[:1]
    )
    assert one.all(id=event.pk) == [event]


@pytest.mark.django_db(transaction=True)
def test_select_for_update_needs_a_transaction_where_the_database_has_it(people):
    locked = PreparedQuery(
        lambda p: Registration.objects.select_for_update().filter(pk=p.int("id"))
    )
    if connection.features.has_select_for_update:
        with pytest.raises(TransactionManagementError, match="outside of a transaction"):
            locked.get(id=people[0].pk)
    else:  # SQLite: the whole database is locked by the write transaction instead
        assert locked.get(id=people[0].pk) == people[0]
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert locked.get(id=people[0].pk) == people[0]
    sql = queries.captured_queries[-1]["sql"]
    assert ("FOR UPDATE" in sql) is connection.features.has_select_for_update


def test_refuses_what_it_cannot_reproduce():
    with pytest.raises(ValueError, match="did not reach the SQL"):
        PreparedQuery(lambda p: Event.objects.filter(title__icontains=p.str("q"))).all(q="x")
    with pytest.raises(TypeError, match="cannot prefetch"):
        PreparedQuery(
            lambda p: Event.objects.filter(slug=p.str("s")).prefetch_related("ticket_types")
        ).all(s="x")
    with pytest.raises(TypeError, match="values_list"):
        PreparedQuery(lambda p: Event.objects.filter(slug=p.str("s")).values("slug")).all(s="x")
    with pytest.raises(ValueError, match="never return a row"):
        PreparedQuery(lambda p: Event.objects.filter(pk__in=[])).all()
    with pytest.raises(TypeError, match="both as str and as int"):
        PreparedQuery(lambda p: Event.objects.filter(slug=p.str("x"), pk=p.int("x"))).all(x=1)
    by_slug = PreparedQuery(lambda p: Event.objects.filter(slug=p.str("slug")))
    with pytest.raises(TypeError, match="needs a value"):
        by_slug.all(slug=None)
    with pytest.raises(TypeError, match="needs a value"):
        by_slug.all()


@pytest.fixture
def prepared_off(settings):
    settings.FAST_PATHS = {**settings.FAST_PATHS, "prepared_queries": False}


def test_switched_off_the_orm_answers_the_same(people, django_assert_num_queries, prepared_off):
    fresh = PreparedQuery(BY_BADGE._build)
    for person in people:
        with django_assert_num_queries(1):
            got = fresh.get(secret=person.badge_secret)
        assert loaded(got) == loaded(orm_by_badge(person.badge_secret))
    with pytest.raises(Registration.DoesNotExist):
        fresh.get(secret="no such badge")
    assert fresh.first(secret="no such badge") is None
    assert fresh._compiled == {}  # nothing was compiled
