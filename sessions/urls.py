from django.urls import path

from sessions import exports
from sessions.views import agenda, builder, chair, materials, session_actions

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
    path("events/<slug:slug>/chair/", chair.chair_console, name="chair"),
    path("events/<slug:slug>/chair/sessions/<int:pk>/status/", chair.status, name="chair-status"),
    path("events/<slug:slug>/chair/sessions/<int:pk>/delay/", chair.delay, name="chair-delay"),
    path(
        "events/<slug:slug>/chair/sessions/<int:pk>/announcement/",
        chair.announcement,
        name="chair-announcement",
    ),
    path(
        "events/<slug:slug>/chair/sessions/<int:pk>/next-speaker/",
        chair.next_speaker,
        name="chair-next-speaker",
    ),
    path(
        "events/<slug:slug>/sessions/<int:pk>/materials/",
        materials.session_materials_page,
        name="session-materials",
    ),
    path(
        "events/<slug:slug>/manage/materials/",
        materials.event_materials_page,
        name="event-materials",
    ),
    path(
        "events/<slug:slug>/manage/materials/<int:pk>/remove/",
        materials.remove,
        name="material-remove",
    ),
    path("events/<slug:slug>/manage/agenda/", builder.builder, name="builder"),
    path("events/<slug:slug>/manage/agenda/publish/", builder.publish, name="publish"),
    path("events/<slug:slug>/manage/sessions/new/", builder.session_new, name="session-new"),
    path("events/<slug:slug>/manage/sessions/<int:pk>/", builder.session_edit, name="session-edit"),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/publish/",
        session_actions.publish,
        name="session-publish",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/cancel/",
        session_actions.cancel,
        name="session-cancel",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/cancel/confirm/",
        builder.session_cancel_confirm,
        name="session-cancel-confirm",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/reinstate/",
        session_actions.reinstate,
        name="session-reinstate",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/delete/",
        session_actions.delete,
        name="session-delete",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/people/",
        session_actions.assign,
        name="session-assign",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/people/new/",
        session_actions.new_person,
        name="session-new-person",
    ),
    path(
        "events/<slug:slug>/manage/sessions/<int:pk>/people/<int:role_pk>/remove/",
        session_actions.unassign,
        name="session-unassign",
    ),
]
