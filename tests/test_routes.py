"""Who may open each page and take each step, route by route: the permission matrix of the
site's pages. Every named route has a row (test_every_route_has_a_row), so a new route cannot
land without one. The API's operations are checked in each app's API tests; the back office is
Django's admin, scoped in the admin tests."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.models import TeamMember
from registrations import links
from registrations.badges.print_runs import badge_dir
from registrations.models import (
    BadgePrintRun,
    Certificate,
    State,
    WebhookDelivery,
    WebhookEndpoint,
)
from sessions.models import (
    CalendarFeedToken,
    Material,
    MaterialAudience,
    MaterialKind,
    RoleKind,
)
from sessions.services.programme import programme_publish
from tests.factories import EventFactory, TeamMemberFactory, UserFactory
from tests.factories.registrations import RegistrationFactory, TicketTypeFactory
from tests.factories.sessions import PersonFactory, SessionFactory, SessionRoleFactory

ACTORS = ("anonymous", "outsider", "checkin", "chair", "organiser")

# What each kind of route lets each actor do: "ok" (the page, or the step done and a redirect
# back), "login" (sent to sign in, or 401), "refused" (403, or 404 for what they may not see).
OK, LOGIN, REFUSED = "ok", "login", "refused"
ACCESS = {
    # Anyone, for a published event.
    "public": dict.fromkeys(ACTORS, OK),
    # Anyone signed in: their own agenda and calendar.
    "signed_in": {**dict.fromkeys(ACTORS, OK), "anonymous": LOGIN},
    # The event's team who see registrations: check-in staff and organisers.
    "team": {
        "anonymous": LOGIN,
        "outsider": REFUSED,
        "checkin": OK,
        "chair": REFUSED,
        "organiser": OK,
    },
    # Organisers only.
    "organiser": {
        "anonymous": LOGIN,
        "outsider": REFUSED,
        "checkin": REFUSED,
        "chair": REFUSED,
        "organiser": OK,
    },
    # The chair console: the people who chair a session (it lists theirs), and the organisers,
    # who may stand in for any chair (it lists every session); not check-in staff.
    "chair_console": {
        "anonymous": LOGIN,
        "outsider": REFUSED,
        "checkin": REFUSED,
        "chair": OK,
        "organiser": OK,
    },
    # A step on one session from the console: its chairs and the organisers.
    "chair": {
        "anonymous": LOGIN,
        "outsider": REFUSED,
        "checkin": REFUSED,
        "chair": OK,
        "organiser": OK,
    },
    # Behind a participant's private link: the link is the proof, whoever holds it.
    "link": dict.fromkeys(ACTORS, OK),
    # A material for participants only: the team who see registrations (check-in staff
    # included), the session's people, and confirmed participants (signed in, or by their
    # private link); anyone else is asked to sign in, or refused.
    "participants": {
        "anonymous": LOGIN,
        "outsider": REFUSED,
        "checkin": OK,
        "chair": OK,
        "organiser": OK,
    },
}

# route name: (method, access, what its address names, POST data). The address's parts come
# from `world` below: the event, a session (and a role in it), a registration and its private
# link, a badge print run, a personal calendar's token, a webhook endpoint and its delivery.
ROUTES = {
    "events:list": ("GET", "public", (), None),
    "events:detail": ("GET", "public", ("event",), None),
    "events:organizations": ("GET", "public", ("event",), None),
    "agenda:agenda": ("GET", "public", ("event",), None),
    "agenda:session": ("GET", "public", ("session",), None),
    "agenda:calendar": ("GET", "public", ("event",), None),
    "agenda:session-calendar": ("GET", "public", ("session",), None),
    "agenda:schedule-xml": ("GET", "public", ("event",), None),
    "agenda:schedule-json": ("GET", "public", ("event",), None),
    "agenda:my-agenda": ("GET", "signed_in", ("event",), None),
    "agenda:bookmark": ("POST", "signed_in", ("session",), {}),
    "agenda:my-calendar-renew": ("POST", "signed_in", ("event",), {}),
    "agenda:my-calendar": ("GET", "link", ("feed",), None),
    "agenda:chair": ("GET", "chair_console", ("event",), None),
    "agenda:chair-status": ("POST", "chair", ("session",), {"status": "live"}),
    "agenda:chair-delay": ("POST", "chair", ("session",), {"minutes": "5"}),
    "agenda:chair-announcement": ("POST", "chair", ("session",), {"message": "Starting now"}),
    "agenda:chair-next-speaker": ("POST", "chair", ("session",), {"person": ""}),
    "agenda:builder": ("GET", "organiser", ("event",), None),
    "agenda:publish": ("POST", "organiser", ("event",), {}),
    "agenda:session-new": ("GET", "organiser", ("event",), None),
    "agenda:session-edit": ("GET", "organiser", ("session",), None),
    "agenda:session-publish": ("POST", "organiser", ("session",), {}),
    "agenda:session-cancel-confirm": ("GET", "organiser", ("session",), None),
    "agenda:session-cancel": ("POST", "organiser", ("session",), {"reason": "Typhoon"}),
    "agenda:session-reinstate": ("POST", "organiser", ("session",), {}),
    "agenda:session-delete": ("POST", "organiser", ("session",), {}),
    "agenda:session-assign": ("POST", "organiser", ("session",), {"role": "speaker"}),
    "agenda:session-new-person": (
        "POST",
        "organiser",
        ("session",),
        {"name": "New Person", "role": "speaker"},
    ),
    "agenda:session-unassign": ("POST", "organiser", ("session", "role"), {}),
    # Materials: a session's people add to their session's, the organisers to any and the event's.
    "agenda:session-materials": ("GET", "chair", ("session",), None),
    "agenda:event-materials": ("GET", "organiser", ("event",), None),
    "agenda:material-remove": ("POST", "chair", ("removable",), {}),
    "registrations:material": ("GET", "participants", ("material",), None),
    "registrations:register": ("GET", "public", ("event",), None),
    "registrations:sign-in-email": ("GET", "public", (), None),
    "registrations:my-registrations": ("GET", "signed_in", (), None),
    "registrations:mine": ("GET", "link", ("token",), None),
    "registrations:mine-cancel": ("POST", "link", ("token",), {}),
    "registrations:mine-accept": ("POST", "link", ("token",), {}),
    "registrations:mine-attendance": ("POST", "link", ("token",), {"mode": "online"}),
    "registrations:mine-language": ("POST", "link", ("token",), {"language": "ru"}),
    "registrations:mine-resend": ("POST", "link", ("token",), {}),
    "registrations:mine-notices": ("POST", "link", ("token",), {"kinds": "moved"}),
    "registrations:mine-time-zone": ("POST", "link", ("token",), {"time_zone": "Europe/Paris"}),
    "registrations:notices": ("GET", "organiser", ("event",), None),
    "registrations:webhooks": ("GET", "organiser", ("event",), None),
    "registrations:webhooks-deliveries": ("GET", "organiser", ("webhook",), None),
    "registrations:webhooks-pause": ("POST", "organiser", ("webhook",), {}),
    "registrations:webhooks-resume": ("POST", "organiser", ("webhook",), {}),
    "registrations:webhooks-delete": ("POST", "organiser", ("webhook",), {}),
    "registrations:webhooks-send-again": ("POST", "organiser", ("delivery",), {}),
    "registrations:pay": ("GET", "link", ("token",), None),
    "registrations:paid": ("GET", "link", ("token",), None),
    "registrations:badge-pdf": ("GET", "link", ("token",), None),
    "registrations:badge-png": ("GET", "link", ("token",), None),
    "registrations:manage": ("GET", "team", ("event",), None),
    "registrations:manage-export": ("GET", "organiser", ("event",), None),
    "registrations:checkin-statistics": ("GET", "team", ("event",), None),
    "registrations:desk": ("GET", "team", ("event",), None),
    "registrations:registration-approve": ("POST", "organiser", ("registration",), {}),
    "registrations:registration-reject": ("POST", "organiser", ("registration",), {}),
    "registrations:registration-cancel": ("POST", "organiser", ("registration",), {}),
    "registrations:registration-refund": ("POST", "organiser", ("registration",), {}),
    # The pages that ask before those three steps, which cannot be undone.
    "registrations:registration-reject-confirm": ("GET", "organiser", ("registration",), None),
    "registrations:registration-cancel-confirm": ("GET", "organiser", ("registration",), None),
    "registrations:registration-refund-confirm": ("GET", "organiser", ("registration",), None),
    "registrations:registration-new-badge": ("POST", "organiser", ("registration",), {}),
    "registrations:registration-offer": ("POST", "organiser", ("registration",), {}),
    "registrations:registration-personal-data": ("GET", "organiser", ("registration",), None),
    "registrations:registrations-anonymise": ("POST", "organiser", ("event",), {"confirm": "yes"}),
    "registrations:badges": ("GET", "organiser", ("event",), None),
    "registrations:badges-download": ("GET", "organiser", ("run",), None),
    "registrations:report": ("GET", "team", ("event",), None),
    "registrations:report-csv": ("GET", "team", ("event",), None),
    "registrations:report-xlsx": ("GET", "team", ("event",), None),
    "registrations:report-pdf": ("GET", "team", ("event",), None),
    "registrations:certificates": ("GET", "organiser", ("event",), None),
    "registrations:certificates-settings": (
        "POST",
        "organiser",
        ("event",),
        {"online_minutes": "60", "signatories": "Li Wei, Director"},
    ),
    # The world's event is on now: issuing is refused with a message (certificates come after).
    "registrations:certificates-issue": ("POST", "organiser", ("event",), {"everyone": "1"}),
    "registrations:certificates-send": ("POST", "organiser", ("event",), {}),
    "registrations:certificates-preview": ("GET", "organiser", ("event",), None),
    "registrations:certificates-withdraw": ("POST", "organiser", ("certificate",), {}),
    "registrations:mine-certificate": ("GET", "link", ("token", "code"), None),
    # Anyone may check a certificate's code: the page names the holder and the event only.
    "registrations:certificate-find": ("GET", "public", (), None),
    "registrations:certificate-verify": ("GET", "public", ("verification",), None),
    "livestream:live": ("GET", "public", ("event",), None),
    # The site's icon for browsers that ask for it by its old name (a redirect to the SVG).
    "favicon": ("GET", "public", (), None),
}

# Routes outside this matrix, and where they are checked.
ELSEWHERE = {
    "healthz": "tests/test_health.py (public, no event)",
    "metrics": "tests/test_metrics.py (an allowed address or the metrics token, no user)",
    "login": "Django's login page",
    "logout": "Django's logout (POST)",
    "set_language": "Django's language switch",
    "javascript-catalog": "tests/core/test_language.py (the browser scripts' strings, public)",
    "stripe-webhook": "tests/registrations/payments/test_webhook.py (Stripe's signature, no user)",
    "livestream:events": "tests/livestream/test_live.py (Server-Sent Events stream)",
    "registrations:sign-in-open": "tests/registrations/test_accounts.py (a mailed link, no user)",
    "registrations:unsubscribe": "tests/registrations/test_notices.py (a signed address, no user)",
}


def named_routes() -> set[str]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin", "api"):
                    continue
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_route_has_a_row():
    assert named_routes() - set(ROUTES) - set(ELSEWHERE) == set()
    assert set(ROUTES) | set(ELSEWHERE) <= named_routes()


@pytest.fixture
def world(db):
    """A published event happening now: a session chaired by `chair`, with a speaker; a
    confirmed registration (its private link); a finished badge print run; the organiser's
    personal calendar token; a webhook endpoint with a failed delivery."""
    today = timezone.localdate()
    event = EventFactory(
        slug="seminar", timezone="UTC", start_date=today, end_date=today + dt.timedelta(days=1)
    )
    users = {
        "outsider": UserFactory(username="outsider"),
        "checkin": TeamMemberFactory(
            event=event, role=TeamMember.Role.CHECKIN, user=UserFactory(username="desk")
        ).user,
        "organiser": TeamMemberFactory(
            event=event, role=TeamMember.Role.ORGANISER, user=UserFactory(username="org")
        ).user,
        "chair": UserFactory(username="chair"),
    }
    session = SessionFactory(event=event, title="Opening panel")
    SessionRoleFactory(
        session=session, role=RoleKind.CHAIR, person=PersonFactory(event=event, user=users["chair"])
    )
    speaker = SessionRoleFactory(session=session, role=RoleKind.SPEAKER)
    programme_publish(event=event, by=None)
    ticket = TicketTypeFactory(event=event, name="Delegate", modes="either")
    confirmed = RegistrationFactory(ticket=ticket, state=State.CONFIRMED, badge_secret="b" * 32)
    certificate = Certificate.objects.create(registration=confirmed)
    restricted, removable = (
        Material.objects.create(
            event=event,
            session=session,
            kind=MaterialKind.SLIDES,
            title=title,
            file=ContentFile(b"%PDF-1.7\n", name="slides.pdf"),
            filename="slides.pdf",
            content_type="application/pdf",
            audience=MaterialAudience.PARTICIPANTS,
        )
        for title in ("Opening slides", "Draft slides")
    )
    (badge_dir() / "route-matrix.pdf").write_bytes(b"%PDF-1.7\n")
    run = BadgePrintRun.objects.create(
        event=event, layout="a6", status="done", total=1, done=1, file="badges/route-matrix.pdf"
    )
    feed = CalendarFeedToken.objects.create(user=users["organiser"], event=event)
    webhook = WebhookEndpoint.objects.create(
        event=event,
        url="https://crm.example.org/hooks",
        secret="whsec_" + "A" * 32,
        event_types=["registration.created"],
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=webhook,
        message_id="msg_route_matrix",
        event_type="registration.created",
        payload={},
        status="failed",
        retry_until=timezone.now(),
    )
    return {
        "event": event,
        "users": users,
        "kwargs": {
            "slug": event.slug,
            "session": session.pk,
            "role": speaker.pk,
            "token": links.magic_token(confirmed),
            "registration": confirmed.pk,
            "run": run.pk,
            "feed": feed.token,
            "webhook": webhook.pk,
            "delivery": delivery.pk,
            "material": restricted.pk,
            "removable": removable.pk,
            "certificate": certificate.pk,
            "code": certificate.code,
        },
    }


# What each part of an address is called in the URL pattern, and where its value comes from.
PARTS = {
    "event": ("slug", "slug"),
    "session": ("pk", "session"),
    "role": ("role_pk", "role"),
    "registration": ("pk", "registration"),
    "token": ("token", "token"),
    "run": ("pk", "run"),
    "feed": ("token", "feed"),
    "webhook": ("pk", "webhook"),
    "delivery": ("pk", "delivery"),
    "material": ("pk", "material"),
    "removable": ("pk", "removable"),
    "certificate": ("pk", "certificate"),
    "code": ("code", "code"),
    "verification": ("code", "code"),
}
# Parts of addresses outside any event's (no slug).
SITE_WIDE = {"verification"}


def url_for(name: str, world) -> str:
    _method, _access, parts, _data = ROUTES[name]
    kwargs = {"slug": world["kwargs"]["slug"]} if set(parts) - SITE_WIDE else {}
    for part in parts:
        kwarg, source = PARTS[part]
        kwargs[kwarg] = world["kwargs"][source]
    return reverse(name, kwargs=kwargs)


def outcome(response) -> str:
    if response.status_code == 401 or (
        response.status_code == 302 and "/accounts/login/" in response["Location"]
    ):
        return LOGIN
    if response.status_code in (403, 404):
        return REFUSED
    assert response.status_code < 400, (response.status_code, response.content[:300])
    return OK


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_who_may_use_each_route(client, world, name):
    method, access, _parts, data = ROUTES[name]
    url = url_for(name, world)
    seen = {}
    for actor in ACTORS:  # the organiser last: their steps change things
        client.logout()
        if actor != "anonymous":
            client.force_login(world["users"][actor])
        response = client.get(url) if method == "GET" else client.post(url, data)
        seen[actor] = outcome(response)
    assert seen == ACCESS[access]


@pytest.mark.parametrize("name", sorted(n for n, row in ROUTES.items() if row[1] == "link"))
def test_a_private_link_that_is_not_one_is_refused(client, world, name):
    method, _access, parts, data = ROUTES[name]
    kwargs = {"slug": world["kwargs"]["slug"], PARTS[parts[0]][0]: "not-a-real-link"}
    kwargs |= {PARTS[part][0]: world["kwargs"][PARTS[part][1]] for part in parts[1:]}
    url = reverse(name, kwargs=kwargs)

    response = client.get(url) if method == "GET" else client.post(url, data)

    assert response.status_code == 404
