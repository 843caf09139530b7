"""The sent-email log in the admin: read-only, for answering "did X get it?"."""

from django.contrib import admin

from .models import SentEmail


@admin.register(SentEmail)
class SentEmailAdmin(admin.ModelAdmin):
    """Every reminder, digest and alert that went out. Rows are written only by sending."""

    list_display = ["sent_at", "kind", "recipient", "period_key", "subject"]
    list_filter = ["kind", "sent_at"]
    search_fields = ["recipient__username", "recipient__email", "period_key", "subject"]
    date_hierarchy = "sent_at"
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "kind", "period_key", "subject", "sent_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
