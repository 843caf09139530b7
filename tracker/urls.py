"""Top-level URLs: the admin and the API."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Tracker: Kazakhstan's human rights obligations")
admin.site.site_title = _("Tracker")
admin.site.index_title = _("Dashboard")
admin.site.site_url = None  # no public site: the admin and the API are the whole app

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
]

# JSON error bodies under /api/ (the API's error shape), Django's pages elsewhere.
handler404 = "tracker.api.views.page_not_found"
handler500 = "tracker.api.views.server_error"
