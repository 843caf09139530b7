"""Routes of the treaties API, included under /api/v1/ by :mod:`tracker.api.urls`."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("monitoring-bodies", views.MonitoringBodyViewSet, basename="monitoringbody")
router.register("treaties", views.TreatyViewSet, basename="treaty")
router.register("provisions", views.ProvisionViewSet, basename="provision")
router.register("obligations", views.ObligationViewSet, basename="obligation")

urlpatterns = router.urls
