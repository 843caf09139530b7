import json

import pytest
from django_celery_beat.models import PeriodicTask

from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_the_migration_schedules_every_email_at_eight_in_almaty():
    tasks = {
        t.task + json.dumps(json.loads(t.kwargs)): t
        for t in PeriodicTask.objects.select_related("crontab").filter(
            task__startswith="notifications."
        )
    }

    expected = {
        "notifications.tasks.send_reminders_task{}": ("0", "8", "*", "*"),
        "notifications.tasks.send_deadline_alerts_task{}": ("5", "8", "*", "*"),
        'notifications.tasks.send_digests_task{"period": "weekly"}': ("0", "8", "1", "*"),
        'notifications.tasks.send_digests_task{"period": "monthly"}': ("0", "8", "*", "1"),
    }
    assert set(tasks) == set(expected)
    for key, (minute, hour, day_of_week, day_of_month) in expected.items():
        crontab = tasks[key].crontab
        assert tasks[key].enabled
        assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month) == (
            minute,
            hour,
            day_of_week,
            day_of_month,
        )
        assert str(crontab.timezone) == "Asia/Almaty"


def test_every_scheduled_task_exists_in_the_celery_app():
    celery_app.loader.import_default_modules()
    for name in PeriodicTask.objects.filter(task__startswith="notifications.").values_list(
        "task", flat=True
    ):
        assert name in celery_app.tasks
