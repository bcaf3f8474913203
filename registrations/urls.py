from django.urls import path

from registrations import figures_views
from registrations.badges import views as badge_views
from registrations.checkin import views as desk
from registrations.payments import views as payment_views
from registrations.views import register as views
from registrations.views import registration_list as manage

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/checkin/", desk.desk, name="desk"),
    path("events/<slug:slug>/manage/checkin/", figures_views.figures, name="figures"),
    path("events/<slug:slug>/registration/<str:token>/", views.my_registration, name="mine"),
    path("events/<slug:slug>/manage/registrations/", manage.registration_list, name="manage"),
    path(
        "events/<slug:slug>/manage/registrations/export.csv",
        manage.registration_export,
        name="manage-export",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/action/",
        manage.registration_action,
        name="manage-action",
    ),
    path("events/<slug:slug>/registration/<str:token>/pay/", payment_views.pay, name="pay"),
    path("events/<slug:slug>/registration/<str:token>/paid/", payment_views.paid, name="paid"),
    path(
        "events/<slug:slug>/registration/<str:token>/badge.pdf",
        badge_views.my_badge,
        {"extension": "pdf"},
        name="badge-pdf",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/badge.png",
        badge_views.my_badge,
        {"extension": "png"},
        name="badge-png",
    ),
    path("events/<slug:slug>/manage/badges/", badge_views.print_runs, name="badges"),
    path(
        "events/<slug:slug>/manage/badges/<int:pk>.pdf",
        badge_views.print_run_download,
        name="badges-download",
    ),
]
