from django.urls import path

from sessions import exports, manage, views

app_name = "agenda"
urlpatterns = [
    path("events/<slug:slug>/agenda/", views.agenda, name="agenda"),
    path("events/<slug:slug>/my-agenda/", views.my_agenda, name="my-agenda"),
    path("events/<slug:slug>/sessions/<int:pk>/", views.session_detail, name="session"),
    path("events/<slug:slug>/sessions/<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("events/<slug:slug>/calendar.ics", exports.event_calendar, name="calendar"),
    path(
        "events/<slug:slug>/sessions/<int:pk>/calendar.ics",
        exports.session_calendar,
        name="session-calendar",
    ),
    path(
        "events/<slug:slug>/my-agenda/calendar/<slug:token>.ics",
        exports.personal_calendar,
        name="my-calendar",
    ),
    path(
        "events/<slug:slug>/my-agenda/calendar/renew/",
        exports.personal_calendar_renew,
        name="my-calendar-renew",
    ),
    path("events/<slug:slug>/schedule.xml", exports.schedule_xml, name="schedule-xml"),
    path("events/<slug:slug>/schedule.json", exports.schedule_json, name="schedule-json"),
    path("events/<slug:slug>/chair/", views.chair_console, name="chair"),
    path("events/<slug:slug>/chair/sessions/<int:pk>/", views.chair_action, name="chair-action"),
    path(
        "events/<slug:slug>/chair/sessions/<int:pk>/delay/", views.chair_delay, name="chair-delay"
    ),
    path("events/<slug:slug>/manage/agenda/", manage.builder, name="builder"),
    path("events/<slug:slug>/manage/agenda/publish/", manage.publish, name="publish"),
    path("events/<slug:slug>/manage/sessions/new/", manage.session_new, name="session-new"),
    path("events/<slug:slug>/manage/sessions/<int:pk>/", manage.session_edit, name="session-edit"),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/action/",
        manage.session_action,
        name="session-action",
    ),
]
