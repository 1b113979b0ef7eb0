"""A page that raises `NotFound`, for the test that pages answer it with 404."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from widen.config.urls import urlpatterns as widen_urlpatterns
from widen.core.exceptions import NotFound


def not_yours(request: HttpRequest) -> HttpResponse:
    raise NotFound


urlpatterns = [path("not-yours/", not_yours), *widen_urlpatterns]
