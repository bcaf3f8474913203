"""ASGI entry point: Django for HTTP, Channels for the live websockets."""

import os
import sys

import django
from django.urls import reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confman.settings")
# Django must be set up before anything imports models (the websocket routes do), and before
# the handler loads the middleware: what get_asgi_application() does, with our handler.
django.setup(set_prefix=False)

from channels.auth import AuthMiddleware  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler  # noqa: E402

from confman.core.after_response import AfterResponse  # noqa: E402
from confman.core.fastpaths import collector, enabled  # noqa: E402
from confman.core.fastpaths.handler import ASGIHandler  # noqa: E402
from livestream.routing import websocket_urlpatterns  # noqa: E402


class SessionAuthMiddleware(AuthMiddleware):
    """channels' AuthMiddleware, without its trip to the database thread for a socket that
    brings no session cookie (most of a live audience): such a socket is anonymous."""

    async def resolve_scope(self, scope):
        if settings.SESSION_COOKIE_NAME in scope.get("cookies", {}):
            await super().resolve_scope(scope)
        else:
            scope["user"]._wrapped = AnonymousUser()  # noqa: SLF001 - as channels sets it


django_asgi_app = ASGIHandler() if enabled("api_handler") else DjangoASGIHandler()

application = ProtocolTypeRouter(
    {
        # Live broadcasts a request made start once its answer is sent.
        "http": AfterResponse(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            CookieMiddleware(
                SessionMiddleware(SessionAuthMiddleware(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)

# A thread that waits for the GIL gets it after 1 ms instead of Python's 5: a request's thread
# (a chair's click) then runs between a live fan-out's slices instead of queuing behind them.
# bench/live_fanout.py, one process, 5000 sockets, A/B twice: the chair's request p99 67 and
# 56 ms -> 40 and 45 ms; delivery p99 432 and 357 ms -> 328 and 313 ms (with YIELD_EVERY 50).
sys.setswitchinterval(0.001)

# Load the URLconf now (every view, the API's schemas), as the first request would, so that the
# collector's tuning can freeze it with the rest of what the process keeps for its whole life.
reverse("healthz")
if enabled("collector"):
    collector.tune()
