from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("fallout/", views.fallout_worklist, name="fallout-list"),
    path("fallout/<str:case_id>/", views.fallout_case, name="fallout-case"),
    path("fallout/<str:case_id>/act", views.fallout_case_action, name="fallout-case-action"),
    path("deliveries/", views.dead_deliveries, name="deliveries"),
    path("deliveries/<int:delivery_id>/redrive", views.delivery_redrive, name="delivery-redrive"),
    path("orders/<str:order_id>/", views.product_order, name="product-order"),
    path("service-orders/<str:service_order_id>/", views.service_order, name="service-order"),
    path("services/<str:service_id>/", views.service, name="service"),
    path("drift/", views.drift_list, name="drift-list"),
    path("network/", views.network, name="network"),
    path("network/<str:action>", views.network_action, name="network-action"),
    path("lookup", views.lookup, name="lookup"),
    path("timeline/<str:resource_id>/", views.timeline, name="timeline"),
]
