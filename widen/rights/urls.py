from django.urls import path

from widen.rights import views

app_name = "rights"

urlpatterns = [
    path("", views.request_list_view, name="list"),
    path("new/", views.request_create_view, name="create"),
    path("<uuid:request_id>/", views.request_detail_view, name="detail"),
    path("<uuid:request_id>/export.<str:file_format>", views.request_export_view, name="export"),
    path("<uuid:request_id>/erase/", views.request_erase_view, name="erase"),
]
