"""Create the four role groups with their permissions.

The table is frozen here (a migration must not import code that changes);
later changes to a role's permissions get a migration of their own.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_REFERENCE = [
    "treaties.view_monitoringbody",
    "treaties.view_treaty",
    "treaties.view_participation",
    "treaties.view_provision",
    "treaties.view_obligation",
    "findings.view_report",
    "findings.view_finding",
    "findings.view_theme",
    "findings.view_affectedgroup",
    "findings.view_institution",
    "findings.view_findingevent",
    "findings.view_assignment",
    "findings.view_evidence",
    "accounts.view_user",
    "accounts.view_organisation",
]

MONITOR = VIEW_REFERENCE + [
    "findings.add_report",
    "findings.change_report",
    "findings.add_finding",
    "findings.change_finding",
    "findings.add_evidence",
    "findings.triage_finding",
    "findings.assign_reviewer",
    "findings.publish_finding",
    "findings.moderate_evidence",
    "treaties.change_obligation",
]

REVIEWER = VIEW_REFERENCE + [
    "findings.add_evidence",
    "findings.review_finding",
]

MANAGER = MONITOR + [
    "findings.manage_finding",
    "findings.add_theme",
    "findings.change_theme",
    "findings.add_affectedgroup",
    "findings.change_affectedgroup",
    "findings.add_institution",
    "findings.change_institution",
    "treaties.add_monitoringbody",
    "treaties.change_monitoringbody",
    "treaties.add_treaty",
    "treaties.change_treaty",
    "treaties.add_participation",
    "treaties.change_participation",
    "treaties.add_provision",
    "treaties.change_provision",
    "treaties.add_obligation",
    "accounts.add_organisation",
    "accounts.change_organisation",
    "accounts.view_userapikey",
    "accounts.add_userapikey",
    "accounts.change_userapikey",
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    "django_celery_beat.view_crontabschedule",
    "django_celery_beat.add_crontabschedule",
    "django_celery_beat.change_crontabschedule",
    "django_celery_beat.view_intervalschedule",
]

ROLES = {
    "monitor": MONITOR,
    "reviewer": REVIEWER,
    "manager": MANAGER,
    # Partners work through the API only; what they see is decided there.
    "partner": [],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("treaties", "0001_initial"),
        ("findings", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
