"""Default schedules for reminders, deadline alerts and digests (django-celery-beat).

All at 08:00 in Asia/Almaty; staff change times in the admin under
"Periodic tasks". The values are frozen here: later changes to the defaults
get a migration of their own. Also lets managers read the sent-email log.
"""

import json

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Almaty"

SCHEDULES = [
    # name, task, kwargs, crontab (minute, hour, day_of_week, day_of_month), description
    (
        "Reviewer reminders (daily)",
        "notifications.tasks.send_reminders_task",
        {},
        ("0", "8", "*", "*"),
        "Emails each reviewer their findings due soon, overdue or waiting for review.",
    ),
    (
        "Reporting deadline alerts (daily)",
        "notifications.tasks.send_deadline_alerts_task",
        {},
        ("5", "8", "*", "*"),
        "Emails managers when a reporting or follow-up obligation is 90, 30 or 7 days away.",
    ),
    (
        "Manager summary (weekly, Monday)",
        "notifications.tasks.send_digests_task",
        {"period": "weekly"},
        ("0", "8", "1", "*"),
        "Summary of the previous Monday-to-Sunday for managers who chose weekly emails.",
    ),
    (
        "Manager summary (monthly, 1st)",
        "notifications.tasks.send_digests_task",
        {"period": "monthly"},
        ("0", "8", "*", "1"),
        "Summary of the previous month for managers who chose monthly emails.",
    ),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, kwargs, (minute, hour, day_of_week, day_of_month), description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_week=day_of_week,
            day_of_month=day_of_month,
            month_of_year="*",
            timezone=TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "kwargs": json.dumps(kwargs),
                "description": description,
                "enabled": True,
            },
        )
    # A running beat re-reads its schedule when this timestamp changes.
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s[0] for s in SCHEDULES]).delete()


def let_managers_read_the_log(apps, schema_editor):
    app_config = apps.get_app_config("notifications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="notifications", codename="view_sentemail"
    )
    for group in Group.objects.filter(name="manager"):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RunPython(create_schedules, remove_schedules),
        migrations.RunPython(let_managers_read_the_log, migrations.RunPython.noop),
    ]
