from django.urls import path

from livestream import views

app_name = "livestream"
urlpatterns = [
    path("events/<slug:slug>/live/", views.live_page, name="live"),
    path("events/<slug:slug>/live/events", views.live_events, name="events"),
]
