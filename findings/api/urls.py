"""Routes of the findings API, included under /api/v1/ by :mod:`tracker.api.urls`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("reports", views.ReportViewSet, basename="report")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("submissions", views.SubmissionViewSet, basename="submission")

urlpatterns = [
    *router.urls,
    path("summary/", views.SummaryView.as_view(), name="summary"),
]
