from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from confman.api import api, api_not_found
from confman.health import healthz
from registrations.payments.views import stripe_webhook

admin.site.site_header = _("confman back office")
admin.site.site_title = _("confman")
admin.site.index_title = _("Your events")

urlpatterns = [
    # The API first: a check-in desk's scan is matched before the pages' patterns are tried.
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("", include("events.urls")),
    path("", include("sessions.urls")),
    path("", include("registrations.urls")),
    path("", include("livestream.urls")),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
]
