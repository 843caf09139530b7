"""Top-level URLs: the admin and the API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api.urls")),
]

# JSON error bodies under /api/ (the API's error shape), Django's pages elsewhere.
handler404 = "tracker.api.views.page_not_found"
handler500 = "tracker.api.views.server_error"
