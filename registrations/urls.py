from django.urls import path

from registrations.badges import views as badges
from registrations.checkin import views as checkin
from registrations.payments import views as payments
from registrations.views import my_registration, register, registration_list

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/register/", register.register, name="register"),
    path(
        "events/<slug:slug>/registration/<str:token>/", my_registration.my_registration, name="mine"
    ),
    path(
        "events/<slug:slug>/manage/registrations/",
        registration_list.registration_list,
        name="manage",
    ),
    path(
        "events/<slug:slug>/manage/registrations/export.csv",
        registration_list.registration_export,
        name="manage-export",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/action/",
        registration_list.registration_action,
        name="manage-action",
    ),
    path("events/<slug:slug>/registration/<str:token>/pay/", payments.pay, name="pay"),
    path("events/<slug:slug>/registration/<str:token>/paid/", payments.paid, name="paid"),
    path(
        "events/<slug:slug>/registration/<str:token>/badge.pdf",
        badges.my_badge,
        {"extension": "pdf"},
        name="badge-pdf",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/badge.png",
        badges.my_badge,
        {"extension": "png"},
        name="badge-png",
    ),
    path("events/<slug:slug>/manage/badges/", badges.badge_print_runs, name="badges"),
    path(
        "events/<slug:slug>/manage/badges/<int:pk>.pdf",
        badges.print_run_download,
        name="badges-download",
    ),
    path("events/<slug:slug>/checkin/", checkin.desk, name="desk"),
    path(
        "events/<slug:slug>/manage/checkin/",
        checkin.checkin_statistics_page,
        name="checkin-statistics",
    ),
]
