"""A fixed-window request counter in the shared cache (Redis in production, so that every web process
counts together): for the public pages that strangers may hammer (certificate verification, the
retirees' sign-in link request)."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind PURNA_PROXY_COUNT reverse proxies every request comes from the
    nearest proxy, so the address is the one the outermost trusted proxy saw, read from the right of
    X-Forwarded-For (entries further left are whatever the client sent and prove nothing)."""
    proxies = settings.PURNA_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
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
