# Production image: gunicorn serves the site; the same image runs the Celery worker and beat.
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production \
    GEO_DATA_DIR=/app/var/geo \
    MEDIA_ROOT=/app/media

# WeasyPrint needs Pango, HarfBuzz and fonts for PDFs; curl is for container health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 \
        fonts-dejavu-core fonts-liberation shared-mime-info curl \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv>=0.5"

WORKDIR /app

# Dependencies first so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .

# The offline postcode lookup is built once into the image rather than on the first request.
# Build steps use the dev settings: production refuses to start without its secrets.
RUN DJANGO_SETTINGS_MODULE=marketplace.settings.dev python manage.py geo_build
# Static files (with the whitenoise manifest) go into the image so the worker and beat, which
# never run collectstatic, can render templates too. The key here exists only for this step.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-collectstatic-needs-settings-to-import-0123456789 \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 app \
    && mkdir -p /app/media /app/staticfiles \
    && chown -R app:app /app/media /app/staticfiles /app/var
USER app

EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
