"""Admin: catalog managers change the catalogs (fields, lifecycle buttons, new versions); operators only look."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from apps.product_catalog.models import ProductOffering
from apps.service_catalog.models import ServiceSpecification
from bss.fsm import transition_history
from bss.models import OutboxEvent


def staff(name, group):
    user = get_user_model().objects.create_user(username=name, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def manager(demo_catalog):
    return staff("cm", "catalog manager")


@pytest.fixture
def operator(demo_catalog):
    return staff("op", "operator")


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def draft_offering():
    from apps.product_catalog.services import product_offering_create

    return product_offering_create(name="Draft offer", description="before")


def form_data(offering, **changes):
    data = {"name": offering.name, "description": offering.description, "version": offering.version,
            "at_type": "", "at_base_type": "", "at_schema_location": "", "status_reason": "",
            "is_bundle": "", "sold_standalone": "on", "product_specification": "", "external_specification": "null",
            "valid_from_0": "", "valid_from_1": "", "valid_to_0": "", "valid_to_1": ""}
    for prefix in ("ProductOffering_offering_prices", "bundle_links", "relationships"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


def test_catalog_manager_changes_an_offering_through_the_admin(client, manager):
    offering = draft_offering()
    client.force_login(manager)
    assert client.get(change_url(offering)).status_code == 200
    response = client.post(change_url(offering), form_data(offering, description="after"))
    assert response.status_code == 302, response.content[:2000]
    assert ProductOffering.objects.get(pk=offering.pk).description == "after"
    assert OutboxEvent.objects.filter(event_type="ProductOfferingAttributeValueChangeEvent",
                                      resource_id=str(offering.pk)).count() == 1


def test_operator_can_look_but_not_change(client, operator):
    offering = draft_offering()
    client.force_login(operator)
    assert client.get("/admin/product_catalog/productoffering/").status_code == 200
    assert client.post(change_url(offering), form_data(offering, description="after")).status_code == 403
    assert client.post(change_url(offering), form_data(offering, _fsm_transition_to="test")).status_code == 403
    offering = ProductOffering.objects.get(pk=offering.pk)
    assert (offering.description, offering.lifecycle_status) == ("before", "inDesign")


def test_lifecycle_button_runs_the_transition_with_log_and_event(client, manager):
    offering = draft_offering()
    client.force_login(manager)
    response = client.post(change_url(offering), form_data(offering, _fsm_transition_to="test"))
    assert response.status_code == 302
    assert ProductOffering.objects.get(pk=offering.pk).lifecycle_status == "inTest"
    assert [log.transition for log in transition_history(offering)] == ["test"]
    assert OutboxEvent.objects.filter(event_type="ProductOfferingStateChangeEvent",
                                      resource_id=str(offering.pk)).count() == 1


def test_new_version_action_copies_the_offering_into_its_lineage(client, manager, demo_catalog):
    home = demo_catalog.offering("Home Broadband 500 Mbps")
    client.force_login(manager)
    response = client.post("/admin/product_catalog/productoffering/",
                           {"action": "new_version", "_selected_action": [str(home.pk)]})
    assert response.status_code == 302
    copy = ProductOffering.objects.get(lineage=home.lineage, version="2.0")
    assert (copy.lifecycle_status, copy.product_specification_id, sorted(p.pk for p in copy.prices)) == (
        "inDesign", home.product_specification_id, sorted(p.pk for p in home.prices))
    assert ProductOffering.objects.get(pk=home.pk).lifecycle_status == "active"


def test_new_version_of_a_service_spec_keeps_its_activation_metadata(client, manager, demo_catalog):
    fibre = demo_catalog.service_specs["Fibre Access"]
    client.force_login(manager)
    client.post("/admin/service_catalog/servicespecification/",
                {"action": "new_version", "_selected_action": [str(fibre.pk)]})
    copy = ServiceSpecification.objects.get(lineage=fibre.lineage, version="2.0")
    assert (copy.family, copy.activator, copy.config_template, copy.characteristics.count(),
            copy.relationships.count()) == (fibre.family, fibre.activator, fibre.config_template, 1, 1)


@pytest.mark.parametrize("url", [
    "/admin/product_catalog/productoffering/", "/admin/product_catalog/productspecification/",
    "/admin/product_catalog/productofferingprice/", "/admin/product_catalog/catalog/",
    "/admin/product_catalog/category/", "/admin/service_catalog/servicespecification/",
    "/admin/service_catalog/servicecatalog/", "/admin/service_catalog/servicecategory/",
    "/admin/service_catalog/servicecandidate/",
])
def test_every_catalog_admin_page_renders(client, manager, url):
    client.force_login(manager)
    assert client.get(url + "?q=a").status_code == 200
    assert client.get(url + "add/").status_code == 200


def test_published_version_is_read_only_in_the_admin_but_keeps_its_lifecycle_buttons(client, manager, demo_catalog):
    home = demo_catalog.offering("Home Broadband 500 Mbps")
    client.force_login(manager)
    page = client.get(change_url(home))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' not in html  # frozen
    assert 'name="valid_to_0"' in html  # validity still moves
    assert 'value="retire"' in html and 'value="launch"' in html
    response = client.post(change_url(home), {"valid_from_0": "", "valid_from_1": "", "valid_to_0": "",
                                              "valid_to_1": "", "_fsm_transition_to": "retire"})
    assert response.status_code == 302
    assert ProductOffering.objects.get(pk=home.pk).lifecycle_status == "retired"


def test_staff_sessions_write_the_catalog_api_only_with_the_catalog_role(manager, operator):
    from rest_framework.test import APIClient

    url = "/tmf-api/productCatalogManagement/v4/productOffering"
    as_operator, as_manager = APIClient(), APIClient()
    as_operator.force_login(operator)
    as_manager.force_login(manager)
    assert as_operator.get(url).status_code == 200
    refused = as_operator.post(url, {"name": "By operator"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
    assert not ProductOffering.objects.filter(name="By operator").exists()
    assert as_manager.post(url, {"name": "By manager"}, format="json").status_code == 201
