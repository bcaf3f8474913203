from django.urls import path

from livestream.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/events/<slug:slug>/live/", LiveConsumer.as_asgi()),
]
