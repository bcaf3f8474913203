"""The programme's people, and their roles in sessions."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from confman.core.auth import ORGANISER_AUTH, request_user
from confman.core.content import content_changes
from confman.core.exceptions import InvalidInput, NotFound
from confman.core.pagination import Pages
from confman.core.schemas import check_content_languages, patch_changes
from events.models import Event
from events.permissions import Action
from events.selectors import event_get, organization_from_input
from sessions import selectors
from sessions.models import (
    Person,
    SessionRole,
)
from sessions.schemas import (
    AssignIn,
    PersonDetailOut,
    PersonIn,
    PersonPatch,
    PersonPrivateOut,
    SessionOut,
)
from sessions.services.people import (
    person_create,
    person_delete,
    person_update,
    role_assign,
    role_remove,
)

router = Router(tags=["programme"])


def person_from_input(event: Event, pk: int, field: str = "person_id") -> Person:
    person = Person.objects.filter(event=event, pk=pk).first()
    if person is None:
        raise InvalidInput.for_fields(
            {
                field: [
                    _("the event has no person with id %(id)s; see GET /api/events/%(slug)s/people")
                    % {"id": pk, "slug": event.slug}
                ]
            }
        )
    return person


class PeopleQuery(Schema):
    q: str = Field("", max_length=200, description="Words in the name, position or organisation")


@router.get(
    "/events/{slug}/people",
    response=list[PersonDetailOut],
    summary="The programme's people",
)
@paginate(Pages)
def list_people(request: HttpRequest, slug: str, filters: Query[PeopleQuery]):
    user = request_user(request)
    event = event_get(slug, user)
    selectors.require_programme(user, event)
    return selectors.people_for(user, event, filters.q.strip())


@router.post(
    "/events/{slug}/sessions/{session_id}/people",
    response={201: SessionOut},
    auth=ORGANISER_AUTH,
    summary="Give a person a role in a session",
)
def assign_person(request: HttpRequest, slug: str, session_id: int, payload: AssignIn):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = selectors.session_get(request.user, event, session_id)
    role_assign(
        session=session,
        by=request.user,
        person=person_from_input(event, payload.person_id),
        role=payload.role,
        override=payload.override,
    )
    return Status(201, selectors.session_get(request.user, event, session.pk))


@router.delete(
    "/events/{slug}/sessions/{session_id}/people/{person_id}/{role}",
    response=SessionOut,
    auth=ORGANISER_AUTH,
    summary="Remove a person's role in a session",
)
def remove_person(request: HttpRequest, slug: str, session_id: int, person_id: int, role: str):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    session = selectors.session_get(request.user, event, session_id)
    link = (
        SessionRole.objects.filter(session=session, person_id=person_id, role=role)
        .select_related("session__event")
        .first()
    )
    if link is None:
        raise NotFound(
            _("Person %(person)s has no role “%(role)s” in this session.")
            % {"person": person_id, "role": role}
        )
    role_remove(link=link, by=request.user)
    return selectors.session_get(request.user, event, session.pk)


@router.post(
    "/events/{slug}/people",
    response={201: PersonPrivateOut},
    auth=ORGANISER_AUTH,
    summary="Add a person",
)
def create_person(request: HttpRequest, slug: str, payload: PersonIn):
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    data = payload.model_dump()
    check_content_languages(data, event.languages)
    data["organization"] = organization_from_input(data.pop("organization_id"), event)
    return Status(201, person_create(event=event, by=request.user, **data))


def _person_of(request: HttpRequest, slug: str, person_id: int) -> Person:
    event = event_get(slug, request.user, Action.MANAGE_AGENDA)
    person = Person.objects.filter(event=event, pk=person_id).select_related("event").first()
    if person is None:
        raise NotFound(
            _("The event “%(slug)s” has no person with id %(id)s.")
            % {"slug": slug, "id": person_id}
        )
    return person


@router.get(
    "/events/{slug}/people/{person_id}",
    response=PersonPrivateOut,
    auth=ORGANISER_AUTH,
    summary="One person, with their private details",
)
def get_person(request: HttpRequest, slug: str, person_id: int):
    return _person_of(request, slug, person_id)


@router.patch(
    "/events/{slug}/people/{person_id}",
    response=PersonPrivateOut,
    auth=ORGANISER_AUTH,
    summary="Change a person",
)
def update_person(request: HttpRequest, slug: str, person_id: int, payload: PersonPatch):
    person = _person_of(request, slug, person_id)
    data = patch_changes(payload)
    check_content_languages(data, person.event.languages)
    data = content_changes(person, data, person.event.languages)  # a string: the first language
    if "organization_id" in data:
        data["organization"] = organization_from_input(data.pop("organization_id"), person.event)
    return person_update(person=person, by=request.user, **data)


@router.delete(
    "/events/{slug}/people/{person_id}",
    response={204: None},
    auth=ORGANISER_AUTH,
    summary="Remove a person who has no roles",
)
def delete_person(request: HttpRequest, slug: str, person_id: int):
    person_delete(person=_person_of(request, slug, person_id), by=request.user)
    return Status(204, None)
