"""The public pages' rate limits count each person's address, also behind a reverse proxy, and
their rates are set by environment variables that are checked when the server starts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from widen.config import environment
from widen.core.client_address import client_address


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().post("/events/public/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@override_settings(AXES_IPWARE_PROXY_COUNT=0)
def test_without_a_proxy_the_connecting_address_counts_and_the_header_is_ignored() -> None:
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_not_one_the_client_wrote() -> None:
    # The client wrote 198.51.100.1 itself; the proxy appended the address it really saw.
    request = _request("10.0.0.2", "198.51.100.1, 203.0.113.77")
    assert client_address(request) == "203.0.113.77"


@override_settings(AXES_IPWARE_PROXY_COUNT=2)
def test_behind_two_proxies_the_entry_the_outer_proxy_added_counts() -> None:
    request = _request("10.0.0.3", "198.51.100.1, 203.0.113.77, 10.0.0.2")
    assert client_address(request) == "203.0.113.77"


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
@pytest.mark.parametrize("forwarded", ["", "not-an-address", "<script>", "1.2.3.4.5"])
def test_a_missing_or_malformed_forwarded_header_falls_back_to_the_connection(
    forwarded: str,
) -> None:
    assert client_address(_request("10.0.0.2", forwarded)) == "10.0.0.2"


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_ipv6_addresses_are_understood() -> None:
    request = _request("10.0.0.2", "2001:db8::1")
    assert client_address(request) == "2001:db8::1"


@pytest.mark.parametrize("value", ["10/h", "30/m", "5/15m", "100/d", "1/s"])
def test_rates_in_the_documented_form_are_taken(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("WIDEN_EVENT_BOOKING_RATE", value)
    assert environment.rate("WIDEN_EVENT_BOOKING_RATE", "10/h") == value


@pytest.mark.parametrize("value", ["ten an hour", "10", "10/x", "/h", "-1/h", "10/hm"])
def test_a_malformed_rate_stops_the_server_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("WIDEN_EVENT_BOOKING_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="WIDEN_EVENT_BOOKING_RATE must be a rate"):
        environment.rate("WIDEN_EVENT_BOOKING_RATE", "10/h")


def test_an_unset_rate_takes_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIDEN_EVENT_BOOKING_RATE", raising=False)
    assert environment.rate("WIDEN_EVENT_BOOKING_RATE", "10/h") == "10/h"
