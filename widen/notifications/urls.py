from django.urls import path

from widen.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("read/", views.notifications_mark_all_read_view, name="mark_all_read"),
    path("choices/", views.preferences_view, name="preferences"),
    path("stop/<str:token>/", views.stop_view, name="stop"),
    path("<uuid:notification_id>/", views.notification_detail_view, name="detail"),
]
