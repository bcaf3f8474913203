from django.urls import path

from sessions import exports
from sessions.views import agenda, builder
from sessions.views.chair import chair_action, chair_console, chair_delay

app_name = "agenda"
urlpatterns = [
    path("events/<slug:slug>/agenda/", agenda.agenda, name="agenda"),
    path("events/<slug:slug>/my-agenda/", agenda.my_agenda, name="my-agenda"),
    path("events/<slug:slug>/sessions/<int:pk>/", agenda.session_detail, name="session"),
    path("events/<slug:slug>/sessions/<int:pk>/bookmark/", agenda.bookmark, name="bookmark"),
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
    path("events/<slug:slug>/chair/", chair_console, name="chair"),
    path("events/<slug:slug>/chair/sessions/<int:pk>/", chair_action, name="chair-action"),
    path("events/<slug:slug>/chair/sessions/<int:pk>/delay/", chair_delay, name="chair-delay"),
    path("events/<slug:slug>/manage/agenda/", builder.builder, name="builder"),
    path("events/<slug:slug>/manage/agenda/publish/", builder.publish, name="publish"),
    path("events/<slug:slug>/manage/sessions/new/", builder.session_new, name="session-new"),
    path("events/<slug:slug>/manage/sessions/<int:pk>/", builder.session_edit, name="session-edit"),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/action/",
        builder.session_action,
        name="session-action",
    ),
]
