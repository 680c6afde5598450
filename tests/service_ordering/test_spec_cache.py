"""The catalog is design-time reference: activation runs from its own versioned copy of the specs."""
from django.db import connection

from apps.service_ordering.models import ServiceOrder, ServiceSpecCache
from apps.service_ordering.services import service_order_submit, service_spec_cache_warm, service_spec_resolve
from bss.models import OutboxEvent

from .activation import drive


def fibre_item(spec, version=""):
    return {"key": "fibre", "action": "add", "service_spec_id": str(spec.pk), "service_spec_version": version,
            "characteristics": {"bandwidth": "1G"}, "service_id": None, "relies_on": [], "related_party_id": ""}


def catalog_unreadable():
    """A real outage of the catalog's storage, undone when the test's transaction rolls back."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE service_catalog_servicespecification RENAME TO servicespecification_gone")


def test_specs_are_resolved_from_the_catalog_and_kept_by_version(demo_catalog, healthy_network):
    spec = demo_catalog.service_spec_of_family("fibre_access")
    order = service_order_submit(external_id="cache-1", requester="com", items=[fibre_item(spec)])
    drive()
    item = ServiceOrder.objects.get(pk=order.pk).items.get()
    assert (item.state, item.family, item.service_spec_version) == ("completed", "fibre_access", spec.version)
    cached = ServiceSpecCache.objects.get(spec_id=str(spec.pk))
    assert (cached.version, cached.activation["config_template"]) == (spec.version, {"bandwidth": "access.rate"})


def test_a_started_item_keeps_its_spec_version_metadata_and_needs_no_cache_after(demo_catalog, healthy_network):
    """The metadata is pinned on the item when it is prepared: later steps complete with the cache and the
    catalog both gone."""
    from apps.service_ordering.services import service_order_start

    spec = demo_catalog.service_spec_of_family("fibre_access")
    order = service_order_submit(external_id="pinned-1", requester="com", items=[fibre_item(spec)])
    service_order_start(service_order_id=order.pk)
    item = ServiceOrder.objects.get(pk=order.pk).items.get()
    assert item.activation == ServiceSpecCache.objects.get(spec_id=str(spec.pk), version=spec.version).activation
    ServiceSpecCache.objects.all().delete()
    catalog_unreadable()
    drive()
    item.refresh_from_db()
    assert (item.state, ServiceSpecCache.objects.count()) == ("completed", 0)


def test_activation_completes_while_the_catalog_is_unreadable(demo_catalog, healthy_network):
    spec = demo_catalog.service_spec_of_family("fibre_access")
    assert service_spec_resolve(spec_id=str(spec.pk))[0] is True  # warmed by an earlier order
    catalog_unreadable()
    for version in ("", spec.version):  # the newest cached copy, and the exact version
        order = service_order_submit(external_id=f"cache-outage-{version}", requester="com",
                                     items=[fibre_item(spec, version)])
        drive()
        assert ServiceOrder.objects.get(pk=order.pk).state == "completed"


def test_cold_cache_and_unreadable_catalog_fail_the_item_into_fallout(demo_catalog, healthy_network):
    spec = demo_catalog.service_spec_of_family("fibre_access")
    catalog_unreadable()
    order = service_order_submit(external_id="cache-cold", requester="com", items=[fibre_item(spec)])
    drive()
    order = ServiceOrder.objects.get(pk=order.pk)
    item = order.items.get()
    assert (order.state, item.state) == ("failed", "failed")
    assert item.error == f"service specification {spec.pk} is not cached and the catalog is unavailable"
    fallout = OutboxEvent.objects.get(event_type="FalloutRequested")
    assert (fallout.payload["kind"], fallout.payload["item_key"]) == ("catalogUnavailable", "fibre")


def test_unknown_spec_rejects_the_item(specs, healthy_network):
    order = service_order_submit(external_id="cache-unknown", requester="com", items=[
        {"key": "x", "action": "add", "service_spec_id": "no-such-spec", "characteristics": {}}])
    drive()
    order = ServiceOrder.objects.get(pk=order.pk)
    assert (order.state, order.items.get().state) == ("rejected", "rejected")
    assert OutboxEvent.objects.filter(event_type="ServiceOrderInformationRequiredEvent").count() == 1


def test_warming_copies_every_spec_version_once_and_survives_an_outage(demo_catalog):
    assert service_spec_cache_warm() == 7
    assert service_spec_cache_warm() == 0
    assert ServiceSpecCache.objects.count() == 7
    catalog_unreadable()
    assert service_spec_cache_warm() == 0
    spec = demo_catalog.service_spec_of_family("voip")
    assert service_spec_resolve(spec_id=str(spec.pk), version=spec.version)[1]["family"] == "voip"
