"""The visitor's address the rate limits count (purna/ratelimit.py): REMOTE_ADDR when Purna faces the
visitors, the address the trusted proxy saw when it stands behind PURNA_PROXY_COUNT of them."""

import pytest
from django.test import RequestFactory

from purna.ratelimit import client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "172.18.0.1"),  # no proxy configured: a forged header is ignored
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # what the client wrote itself is not trusted
        (2, "10.9.9.9, 203.0.113.7, 192.168.1.5", "203.0.113.7"),
        (1, "", "172.18.0.1"),  # no header: the proxy's own request
    ],
)
def test_the_address_counted_is_the_one_the_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.PURNA_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == expected
