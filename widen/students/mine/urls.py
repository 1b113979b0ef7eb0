from django.urls import path

from widen.students.mine import views

app_name = "my_student"

urlpatterns = [
    path("", views.my_record_view, name="record"),
    path("<uuid:student_id>/details/", views.my_details_view, name="details"),
    path("sign-in/", views.sign_in_view, name="sign_in"),
    path("sign-in/<str:token>/", views.sign_in_link_view, name="sign_in_link"),
]
