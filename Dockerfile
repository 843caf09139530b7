# One image, run as web (gunicorn), Celery worker and Celery beat by docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml constraints.txt README.md manage.py ./
COPY tracker ./tracker
COPY accounts ./accounts
COPY treaties ./treaties
COPY findings ./findings
COPY notifications ./notifications
COPY fixtures ./fixtures
# Editable: the apps (with their templates and static files) run from /app.
RUN pip install -c constraints.txt -e . && useradd --system --home /app tracker
# collectstatic needs settings but no real secrets or database.
RUN DEBUG=false SECRET_KEY=collectstatic-only-key-that-is-long-enough-0123456789abcdef \
    python manage.py collectstatic --noinput

USER tracker
EXPOSE 8000
CMD ["gunicorn", "tracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
