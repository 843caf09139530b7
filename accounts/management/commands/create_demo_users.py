"""Create one demo user per role and print their logins (local demo only)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User, UserAPIKey
from accounts.roles import Role

DEMO_PASSWORD = "tracker-demo"  # noqa: S105  (demo only; the command refuses to run without DEBUG)

DEMO_USERS = [
    # username, role, digest
    ("monitor", Role.MONITOR, User.DigestFrequency.NONE),
    ("reviewer", Role.REVIEWER, User.DigestFrequency.NONE),
    ("manager", Role.MANAGER, User.DigestFrequency.WEEKLY),
    ("partner", Role.PARTNER, User.DigestFrequency.NONE),
]


class Command(BaseCommand):
    help = _(
        "Create one demo user per role (monitor, reviewer, manager, partner) and print logins."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "create_demo_users makes accounts with a known password; "
                    "it runs only with DEBUG on."
                )
            )
        with transaction.atomic():
            organisation, _created = Organisation.objects.get_or_create(
                name="Demo Partner NGO", defaults={"kind": Organisation.Kind.NGO}
            )
            rows = []
            for username, role, digest in DEMO_USERS:
                user, _created = User.objects.get_or_create(username=username)
                user.email = f"{username}@tracker.example"
                user.is_staff = role != Role.PARTNER
                user.digest_frequency = digest
                user.organisation = organisation if role == Role.PARTNER else None
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
                rows.append((username, role))
            api_key = None
            partner = User.objects.get(username="partner")
            if not partner.api_keys.filter(revoked=False).exists():
                _obj, api_key = UserAPIKey.objects.create_key(name="demo key", user=partner)

        self.stdout.write(
            _("Demo users (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, role in rows:
            self.stdout.write(f"  {username:<10} {Role(role).label}")
        if api_key:
            self.stdout.write(_("API key for 'partner' (shown once): %(key)s") % {"key": api_key})
