from django.urls import path

from widen.rights.who_accessed import views

app_name = "who_accessed"

urlpatterns = [
    path("", views.who_accessed_view, name="search"),
]
