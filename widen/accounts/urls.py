from django.urls import path

from widen.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("mfa/", views.mfa_verify, name="mfa_verify"),
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path(
        "api-tokens/<uuid:token_id>/revoke/", views.api_token_revoke_view, name="api_token_revoke"
    ),
]
