"""A fixed-window request counter in the shared cache (Redis in production, so that every web process
counts together): for the public pages that strangers may hammer (certificate verification, the
retirees' sign-in link request)."""

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(bucket: str, key: str, *, limit: int, window_seconds: int = 60) -> bool:
    """Count one request of `key` in `bucket`; True once the window holds more than `limit` of them."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{bucket}:{key}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # Evicted between add and incr: count this request as the first.
        cache.set(cache_key, 1, timeout=window_seconds * 2)
        count = 1
    return count > limit
