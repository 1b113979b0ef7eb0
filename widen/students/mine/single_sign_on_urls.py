"""A provider's single sign-on (OpenID Connect). The names are allauth's, which it reverses."""

from django.urls import path

from widen.students.mine import single_sign_on_views as views

urlpatterns = [
    path("sign-in/with/<str:provider_id>/", views.sign_on_start, name="openid_connect_login"),
    path(
        "sign-in/with/<str:provider_id>/return/",
        views.sign_on_return,
        name="openid_connect_callback",
    ),
]
