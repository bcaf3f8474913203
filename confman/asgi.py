"""ASGI entry point: Django for HTTP, Channels for the live websockets."""

import gc
import os

import django
from django.urls import reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confman.settings")
# Django must be set up before anything imports models (the websocket routes do), and before
# the handler loads the middleware: what get_asgi_application() does, with our handler.
django.setup(set_prefix=False)

from confman.handler import ASGIHandler  # noqa: E402

django_asgi_app = ASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from livestream.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# A server process keeps what it loaded at start (modules, models, URL patterns, the API's
# schemas) for its whole life. Load the URLconf now (the first request would: it imports every
# view and builds the API) and freeze all of it out of the cyclic collector's sight.
reverse("healthz")
gc.collect()
gc.freeze()
# Each request leaves about a hundred objects in reference cycles (Django's request and its
# messages storage, its lazy user, the resolver match), freed only by the collector, which
# stops the process while it works. Collect young objects every 5,000 allocations, not 700 (a
# request allocates thousands: it walked them again and again) nor 50,000: at that threshold a
# collection freed some 46,000 objects at once and stopped every request in flight for 25-50
# ms, every two seconds of a busy desk (bench/checkin.py, SQLite, flat out: each of those stops
# showed as four scans slow together, the benchmark's p99); at 5,000 a collection takes 2-3 ms.
# Full collections, which walk everything a process holds (5,000 live-page sockets: hundreds of
# MB), stay as rare as before, once in 5 million allocations: a tenth as many had one land in a
# round of bench/live_fanout.py and delay its delivery to 5,000 clients (p99 1.1 s, 2.2 s then).
gc.set_threshold(5_000, 10, 100)
