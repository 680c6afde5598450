from django.contrib import admin
from django.urls import include, path

from bss.observability import health_live, health_ready, metrics_view

handler400 = "bss.api.errors.handler400"
handler403 = "bss.api.errors.handler403"
handler404 = "bss.api.errors.handler404"
handler500 = "bss.api.errors.handler500"

urlpatterns = [
    path("health/live", health_live, name="health-live"),
    path("health/ready", health_ready, name="health-ready"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("console/", include("apps.console.urls")),
    path("", include("config.api_urls")),
]
