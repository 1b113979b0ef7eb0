from django.urls import path

from widen.students.mine import passkey_views, views

app_name = "my_student"

urlpatterns = [
    path("", views.my_record_view, name="record"),
    path("<uuid:student_id>/details/", views.my_details_view, name="details"),
    path("passkeys/", passkey_views.my_passkeys_view, name="passkeys"),
    path(
        "passkeys/<int:passkey_id>/remove/",
        passkey_views.my_passkey_remove_view,
        name="passkey_remove",
    ),
    path("sign-in/", views.sign_in_view, name="sign_in"),
    path("sign-in/<str:token>/", views.sign_in_link_view, name="sign_in_link"),
]
