import time

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from confman.api import api, api_not_found, bad_request, server_error
from confman.core.language import language_patterns
from confman.health import healthz
from confman.metrics import metrics
from registrations.payments.views import stripe_webhook

admin.site.site_header = _("confman back office")
admin.site.site_title = _("confman")
admin.site.index_title = _("Your events")

# The browser scripts' strings (djangojs.po) in the page's language, cached until the next
# deployment: the catalogs only change with the code.
javascript_catalog = cache_page(24 * 3600, key_prefix=f"jsi18n-{int(time.time())}")(
    JavaScriptCatalog.as_view(domain="djangojs", packages=["confman"])
)

handler400 = bad_request
handler500 = server_error


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """For browsers that ask for /favicon.ico whatever the page links: the SVG icon, not a
    404 page on every visit. A temporary redirect, kept a day: the icon's address changes
    with each version of it."""
    response = HttpResponseRedirect(static("confman/favicon.svg"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    # The API first: a check-in desk's scan is matched before the pages' patterns are tried.
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    # Pages: /events/… in English, /zh-hans/events/… in Chinese, and so on (confman.core.language).
    *language_patterns(
        path("", include("events.urls")),
        path("", include("sessions.urls")),
        path("", include("registrations.urls")),
        path("", include("livestream.urls")),
        path(
            "accounts/login/",
            auth_views.LoginView.as_view(redirect_authenticated_user=True),
            name="login",
        ),
        path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("jsi18n/", javascript_catalog, name="javascript-catalog"),
    ),
]
