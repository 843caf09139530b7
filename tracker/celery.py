"""The Celery application.

Configuration comes from Django settings under the ``CELERY_`` namespace; the
broker is Redis when ``REDIS_URL`` is set and kombu's filesystem transport
otherwise, so the local demo needs no server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
