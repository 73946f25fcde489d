# The production-like image: gunicorn web, Celery worker and beat share it.
# The bases can be swapped for local ones (scripts/image-from-debootstrap.sh builds them from a
# debootstrap root): python, pip and gunicorn on PATH; node and npm.
ARG NODE_IMAGE=node:20-bookworm-slim
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/assets.sh scripts/
RUN mkdir -p static && bash scripts/assets.sh

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei libmagic1 gettext \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 jianguan
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
COPY --from=assets /src/static/vendor static/vendor
# Production settings refuse to load without their secrets, for compilemessages too.
RUN export DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build JIANGUAN_FIELD_ENCRYPTION_KEY=build \
 && python manage.py compilemessages --ignore=.venv -v 0 \
 && python manage.py collectstatic --no-input -v 0 \
 && mkdir -p /app/var/media && chown -R jianguan /app/var
USER jianguan
EXPOSE 8000
# 3 sync workers by default (config/gunicorn.conf.py, docs/deploy.md).
CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
