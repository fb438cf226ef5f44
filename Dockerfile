FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
# Exactly the locked versions, each checked against its hash (see docs/operations.md, Dependencies).
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock
COPY . .
RUN DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --no-input
RUN useradd --create-home app && mkdir -p /app/media && chown -R app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "crm_adoption.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
