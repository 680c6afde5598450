"""A test-only TMF API (code tmf999) with nothing but its hub, to exercise the kit before any app."""
from bss.api.routers import tmf_api_urls
from config.urls import handler404, handler500, urlpatterns as base_patterns  # noqa: F401

urlpatterns = base_patterns + [
    tmf_api_urls(api="tmf999", base_path="tmf-api/kitTest/v1/", title="Kit test", version="1.0", resources=[]),
]
