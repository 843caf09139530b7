"""The API under /api/: version 1 of the resources, the OpenAPI schema and its docs.

The docs pages load Swagger UI and ReDoc from drf-spectacular-sidecar's
static files, never from a CDN.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from findings.api import urls as findings_urls
from treaties.api import urls as treaties_urls

from .views import MeView

app_name = "api"

v1 = [
    *treaties_urls.urlpatterns,
    *findings_urls.urlpatterns,
    path("me/", MeView.as_view(), name="me"),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("docs/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
