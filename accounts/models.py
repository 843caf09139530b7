"""Users, partner organisations and API keys."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from .roles import STAFF_ROLES, Role


class Organisation(models.Model):
    """A partner organisation (NGO, embassy, NHRI...) whose members use the API.

    Partner submissions carry the organisation, so a finding can show each
    organisation's latest accepted assessment beside the official status.
    """

    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        EMBASSY = "embassy", _("Embassy")
        NHRI = "nhri", _("National human rights institution")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the tracker; the role comes from group membership.

    ``language`` chooses the language of the emails the user receives;
    ``digest_frequency`` is a manager's choice of summary emails.
    """

    class DigestFrequency(models.TextChoices):
        NONE = "none", _("No digest")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text=_("Partner organisation this user belongs to, for partner accounts."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    digest_frequency = models.CharField(
        _("summary email"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.NONE,
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def has_role(self, role: Role | str) -> bool:
        """Whether the user is in the group of that role (cached per instance)."""
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return str(role) in self._role_names

    @property
    def is_partner(self) -> bool:
        return self.has_role(Role.PARTNER) and not any(self.has_role(r) for r in STAFF_ROLES)


class UserAPIKey(AbstractAPIKey):
    """A revocable API key that authenticates as one user.

    Only a hash is stored: the key is shown once, when staff create it in the
    admin. Revoking or expiring it stops it working at once.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
