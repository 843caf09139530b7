"""Admin of users (with their role groups), partner organisations and API keys.

An API key is shown once, in a message right after it is created, and only its
hash is stored; revoking it (the checkbox or the action) stops it at once.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .models import Organisation, User, UserAPIKey
from .roles import STAFF_ROLES, Role


class MySettingsForm(forms.ModelForm):
    """What a staff member sets for themselves: the language of their emails and, for
    managers, which summary email they receive."""

    class Meta:
        model = User
        fields = ["language", "digest_frequency"]
        help_texts = {
            "language": _("Reminders, alerts and summaries are written in this language."),
            "digest_frequency": _(
                "A summary of the findings by email: weekly (Mondays) or monthly (the 1st)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.has_role(Role.MANAGER):
            del self.fields["digest_frequency"]  # summaries go to managers only


class TrackerUserChangeForm(UserChangeForm):
    """Refuses to give a partner account access to the admin."""

    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        groups = {g.name for g in cleaned.get("groups") or []}
        if cleaned.get("is_staff") and Role.PARTNER in groups and not groups & STAFF_ROLES:
            raise forms.ValidationError(
                _("Partners use the API only: a partner account cannot have staff status."),
                code="partner_staff",
            )
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = TrackerUserChangeForm
    list_display = (
        "username",
        "full_name",
        "email",
        "roles",
        "organisation",
        "is_staff",
        "is_active",
    )
    list_filter = ("groups", "is_staff", "is_active", "digest_frequency", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Tracker"), {"fields": ("organisation", "language", "digest_frequency")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Tracker"), {"fields": ("email", "organisation", "language", "digest_frequency")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_urls(self):
        own = [
            path(
                "my-settings/",
                self.admin_site.admin_view(self.my_settings_view),
                name="accounts_user_my_settings",
            )
        ]
        return own + super().get_urls()

    def my_settings_view(self, request: HttpRequest) -> HttpResponse:
        """Any staff member's own email language and (managers) summary email choice.

        Needs no permission on users: it changes nothing but the signed-in user's own
        preferences, and the change is logged like an edit in the admin.
        """
        user = request.user
        form = MySettingsForm(request.POST if request.method == "POST" else None, instance=user)
        if request.method == "POST" and form.is_valid():
            if form.has_changed():
                form.save()
                message = self.construct_change_message(request, form, formsets=None)
                self.log_change(request, user, message)
            messages.success(request, gettext("Your settings are saved."))
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": _("My settings"),
            "form": form,
        }
        return TemplateResponse(request, "admin/accounts/user/my_settings.html", context)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj: User) -> str:
        return ", ".join(sorted(group.name for group in obj.groups.all())) or "—"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Autocomplete for a theme's expert reviewers offers reviewers only.
        if (
            request.GET.get("model_name") == "theme"
            and request.GET.get("field_name") == "reviewers"
        ):
            queryset = queryset.filter(groups__name=Role.REVIEWER)
        return queryset, may_have_duplicates


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "website", "members_count")
    list_filter = ("kind",)
    search_fields = ("name",)

    def get_queryset(self, request):
        # Meta.ordering is dropped from aggregate queries; keep it for autocomplete pages.
        return (
            super().get_queryset(request).annotate(members_count=Count("members")).order_by("name")
        )

    @admin.display(description=_("members"), ordering="members_count")
    def members_count(self, obj: Organisation) -> int:
        return obj.members_count


@admin.register(UserAPIKey)
class UserAPIKeyAdmin(APIKeyModelAdmin):
    list_display = ("prefix", "name", "user", "created", "expiry_date", "_has_expired", "revoked")
    list_filter = ("revoked", "created")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    autocomplete_fields = ("user",)
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # The key belongs to one user for life; a new user needs a new key.
        return (*fields, "user") if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        key = self.model.objects.assign_key(obj)
        obj.save()
        self.message_user(
            request,
            gettext(
                "The API key for %(user)s (%(name)s) is: %(key)s — copy it now and give it to "
                "them: it is stored only as a hash and will not be shown again."
            )
            % {"user": obj.user, "name": obj.name, "key": key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke selected API keys"), permissions=["change"])
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked=False).update(revoked=True)
        self.message_user(
            request,
            gettext("Revoked %(count)d API keys.") % {"count": count},
            messages.SUCCESS,
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Revoke instead: a revoked key stays listed as a record of who had access.
        return False


# djangorestframework-api-key registers its own, unused APIKey model; hide it so
# nobody creates a key that authenticates as no one.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)
