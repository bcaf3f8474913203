from django.urls import path

from registrations import views

app_name = "registrations"
urlpatterns = [
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/registration/<str:token>/", views.my_registration, name="mine"),
]
