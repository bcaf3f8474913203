"""Materials: the event's and a session's, public ones for everyone, all of them for the event's
team (who see what participants see)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router

from confman.core.auth import request_user
from events.models import Event
from events.permissions import Action, has_event_permission
from events.selectors import event_get
from sessions import selectors
from sessions.materials import event_materials, material_href, session_materials
from sessions.models import Material, MaterialAudience
from sessions.schemas import MaterialOut

router = Router(tags=["programme"])


def _out(request: HttpRequest, event: Event, materials: QuerySet[Material]) -> list[dict]:
    if not has_event_permission(request.user, event, Action.VIEW_REGISTRATIONS):
        materials = materials.filter(audience=MaterialAudience.PUBLIC)
    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "title": str(m.title),
            "url": material_href(m, event),
            "filename": m.filename,
            "content_type": m.content_type,
            "size": m.size,
            "audience": m.audience,
            "language": m.language,
            "session_id": m.session_id,
        }
        for m in materials
    ]


@router.get("/events/{slug}/materials", response=list[MaterialOut], summary="The event's materials")
def list_event_materials(request: HttpRequest, slug: str):
    """Documents of the whole event (an outcome declaration, a policy brief, photos)."""
    user = request_user(request)
    event = event_get(slug, user)
    return _out(request, event, event_materials(event))


@router.get(
    "/events/{slug}/sessions/{session_id}/materials",
    response=list[MaterialOut],
    summary="A session's materials",
)
def list_session_materials(request: HttpRequest, slug: str, session_id: int):
    """Its slides, documents, recordings and photos, in their order."""
    user = request_user(request)
    event = event_get(slug, user)
    selectors.require_programme(user, event)
    session = selectors.session_get(user, event, session_id)
    return _out(request, event, session_materials(session))
