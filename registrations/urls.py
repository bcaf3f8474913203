from django.urls import path

from registrations.badges import views as badges
from registrations.certificates import views as certificates
from registrations.checkin import views as checkin
from registrations.notices import views as notices
from registrations.payments import views as payments
from registrations.report import views as report
from registrations.views import (
    materials,
    my_registration,
    personal_data,
    register,
    registration_actions,
    registration_list,
    sign_in,
)
from registrations.webhooks import views as webhooks

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/register/", register.register, name="register"),
    path("accounts/email-link/", sign_in.email_link, name="sign-in-email"),
    path("accounts/email-link/<str:token>/", sign_in.email_link_open, name="sign-in-open"),
    path("accounts/registrations/", sign_in.my_registrations, name="my-registrations"),
    path("notices/unsubscribe/<str:token>/", notices.unsubscribe, name="unsubscribe"),
    path("events/<slug:slug>/manage/notices/", notices.manage_notices, name="notices"),
    path("events/<slug:slug>/manage/webhooks/", webhooks.manage_webhooks, name="webhooks"),
    path(
        "events/<slug:slug>/manage/webhooks/<int:pk>/pause/",
        webhooks.pause,
        name="webhooks-pause",
    ),
    path(
        "events/<slug:slug>/manage/webhooks/<int:pk>/resume/",
        webhooks.resume,
        name="webhooks-resume",
    ),
    path(
        "events/<slug:slug>/manage/webhooks/<int:pk>/delete/",
        webhooks.delete,
        name="webhooks-delete",
    ),
    path(
        "events/<slug:slug>/manage/webhooks/<int:pk>/deliveries/",
        webhooks.deliveries,
        name="webhooks-deliveries",
    ),
    path(
        "events/<slug:slug>/manage/webhooks/deliveries/<int:pk>/send-again/",
        webhooks.send_again,
        name="webhooks-send-again",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/", my_registration.my_registration, name="mine"
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/cancel/",
        my_registration.cancel,
        name="mine-cancel",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/accept/",
        my_registration.accept_offer,
        name="mine-accept",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/attendance/",
        my_registration.change_attendance,
        name="mine-attendance",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/language/",
        my_registration.change_language,
        name="mine-language",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/time-zone/",
        my_registration.change_time_zone,
        name="mine-time-zone",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/notices/",
        my_registration.choose_notices,
        name="mine-notices",
    ),
    path(
        "events/<slug:slug>/registration/<str:token>/resend/",
        my_registration.resend,
        name="mine-resend",
    ),
    # Certificates of attendance: the holder's PDF, the organisers' page, public verification.
    path(
        "events/<slug:slug>/registration/<str:token>/certificate/<str:code>.pdf",
        certificates.my_certificate,
        name="mine-certificate",
    ),
    path(
        "events/<slug:slug>/manage/certificates/",
        certificates.certificates_page,
        name="certificates",
    ),
    path(
        "events/<slug:slug>/manage/certificates/settings/",
        certificates.certificates_settings,
        name="certificates-settings",
    ),
    path(
        "events/<slug:slug>/manage/certificates/issue/",
        certificates.certificates_issue_view,
        name="certificates-issue",
    ),
    path(
        "events/<slug:slug>/manage/certificates/send/",
        certificates.certificates_send_view,
        name="certificates-send",
    ),
    path(
        "events/<slug:slug>/manage/certificates/preview.pdf",
        certificates.certificates_preview,
        name="certificates-preview",
    ),
    path(
        "events/<slug:slug>/manage/certificates/<int:pk>/withdraw/",
        certificates.certificate_withdraw,
        name="certificates-withdraw",
    ),
    path("certificates/", certificates.certificate_find, name="certificate-find"),
    path("certificates/<str:code>/", certificates.certificate_verify, name="certificate-verify"),
    path(
        "events/<slug:slug>/materials/<int:pk>/",
        materials.material_download,
        name="material",
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
        "events/<slug:slug>/manage/registrations/<int:pk>/approve/",
        registration_actions.approve,
        name="registration-approve",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/reject/",
        registration_actions.reject,
        name="registration-reject",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/reject/confirm/",
        registration_actions.confirm_reject,
        name="registration-reject-confirm",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/cancel/",
        registration_actions.cancel,
        name="registration-cancel",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/cancel/confirm/",
        registration_actions.confirm_cancel,
        name="registration-cancel-confirm",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/refund/",
        registration_actions.refund,
        name="registration-refund",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/refund/confirm/",
        registration_actions.confirm_refund,
        name="registration-refund-confirm",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/new-badge/",
        registration_actions.reissue_badge,
        name="registration-new-badge",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/offer/",
        registration_actions.offer_seat,
        name="registration-offer",
    ),
    path(
        "events/<slug:slug>/manage/registrations/<int:pk>/personal-data.json",
        personal_data.personal_data,
        name="registration-personal-data",
    ),
    path(
        "events/<slug:slug>/manage/registrations/anonymise/",
        personal_data.anonymise,
        name="registrations-anonymise",
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
    path("events/<slug:slug>/manage/report/", report.report_page, name="report"),
    path(
        "events/<slug:slug>/manage/report/participation.csv",
        report.report_csv_download,
        name="report-csv",
    ),
    path(
        "events/<slug:slug>/manage/report/participation.xlsx",
        report.report_xlsx_download,
        name="report-xlsx",
    ),
    path(
        "events/<slug:slug>/manage/report/participation.pdf",
        report.report_pdf_download,
        name="report-pdf",
    ),
]
