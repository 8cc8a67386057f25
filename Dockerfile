# Purna's image: the web server, the Celery worker and beat all run it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz; DejaVu is the fallback font of every PDF and Liberation Serif the
# certificates' (static/css/pdf.css); gettext compiles the catalog.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation gettext \
    && rm -rf /var/lib/apt/lists/*

# pg_dump / pg_restore for `manage.py backup` / `restore` (purna/backup.py), of the major version of
# docker-compose.yml's PostgreSQL: an older pg_dump refuses a newer server, and a newer one writes
# settings an older server rejects on restore. From the PostgreSQL project's apt repository, since
# Debian ships one major version only.
ARG POSTGRES_CLIENT_VERSION=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && python -c "import urllib.request; urllib.request.urlretrieve('https://www.postgresql.org/media/keys/ACCC4CF8.asc', '/usr/share/keyrings/pgdg.asc')" \
    && echo "deb [signed-by=/usr/share/keyrings/pgdg.asc] https://apt.postgresql.org/pub/repos/apt $(. /etc/os-release && echo "$VERSION_CODENAME")-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-${POSTGRES_CLIENT_VERSION} \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN groupadd --system --gid 10001 purna \
    && useradd --system --uid 10001 --gid purna --home-dir /app --no-create-home --shell /usr/sbin/nologin purna

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Hashed, compressed static files are built into the image; the key below exists only for this step.
ENV DEBUG=false \
    STATIC_MANIFEST=true \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media \
    PRIVATE_MEDIA_ROOT=/app/var/private
RUN SECRET_KEY=collectstatic-only-not-a-real-secret python manage.py collectstatic --noinput \
    && if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
        SECRET_KEY=compilemessages-only-not-a-real-secret python manage.py compilemessages; fi \
    && mkdir -p /app/var/media /app/var/private \
    && chown -R purna:purna /app/var

USER purna
EXPOSE 8000
# The timeout is explicit (docker-compose.yml says the same): no request renders a document or an export
# any more (they run in Celery, purna/generated.py), so a worker silent for 60 s is stuck and replaced.
CMD ["gunicorn", "purna.wsgi", "--bind=0.0.0.0:8000", "--workers=3", "--timeout=60", "--graceful-timeout=30", "--access-logfile=-"]
