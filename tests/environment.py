"""Loaded by pytest before Django reads its settings (`-p tests.environment` in pyproject.toml).

Tests run the production settings (DEBUG off) with a throwaway secret; the live-server tests speak
plain HTTP, so HTTPS redirects and secure-only cookies are off here and only here.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-not-used-anywhere-else-0123456789abcdef")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("STATIC_MANIFEST", "false")
