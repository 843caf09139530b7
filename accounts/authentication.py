"""API key authentication: ``Authorization: Api-Key <key>`` authenticates as the key's user."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import UserAPIKey


class APIKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, key = header.partition(" ")
        if scheme != self.keyword:
            return None
        key = key.strip()
        if not key:
            raise exceptions.AuthenticationFailed(_("No API key given after 'Api-Key'."))
        # As UserAPIKey.objects.get_from_key(), with the user in the same query.
        prefix = key.partition(".")[0]
        api_key = (
            UserAPIKey.objects.get_usable_keys()
            .select_related("user")
            .filter(prefix=prefix)
            .first()
        )
        if api_key is None or not api_key.is_valid(key) or api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("Invalid, revoked or expired API key."))
        user = api_key.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This user account is disabled."))
        return (user, api_key)

    def authenticate_header(self, request):
        return self.keyword
