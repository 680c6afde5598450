"""Admin: catalog managers maintain the qualification reference data (eligibility rules, addresses, coverage and
the elements serving it); operators only look."""
import pytest
from django.contrib.auth.models import Group

from apps.product_qualification.models import EligibilityRule
from apps.service_qualification.models import Coverage, CoverageArea
from tests.product_catalog.test_admin import manager, operator  # noqa: F401 - the same staff fixtures

RULES = "/admin/product_qualification/eligibilityrule/"
AREAS = "/admin/service_qualification/coveragearea/"
RULE = {"offering_name": "VoIP Line", "kind": "quantity", "required_offering_name": "", "segments": "[]",
        "max_quantity": "2", "alternate_offering_name": "", "is_active": "on"}
AREA = {"code": "HH-01", "name": "Hamburg Mitte", "coverages-TOTAL_FORMS": "1", "coverages-INITIAL_FORMS": "0",
        "coverages-0-technology": "fibre", "coverages-0-max_speed_mbps": "1000",
        "coverages-0-serving_element": "OLT-HH-01"}


def granted(group, model):
    return sorted(Group.objects.get(name=group).permissions.filter(content_type__model=model)
                  .values_list("codename", flat=True))


@pytest.mark.parametrize("model", ["eligibilityrule", "geographicaddress", "coveragearea", "coverage"])
def test_catalog_managers_maintain_the_reference_data_and_operators_view_it(demo_catalog, model):
    assert granted("catalog manager", model) == [f"{verb}_{model}" for verb in ("add", "change", "delete", "view")]
    assert granted("admin", model) == granted("catalog manager", model)
    assert granted("operator", model) == [f"view_{model}"]


@pytest.mark.parametrize("model", ["productofferingqualification", "checkservicequalification",
                                   "queryservicequalification"])
def test_qualification_answers_are_not_granted(demo_catalog, model):
    assert [granted(group, model) for group in ("catalog manager", "admin", "operator")] == [[], [], []]


def test_catalog_manager_adds_a_rule_through_the_admin(client, manager):
    client.force_login(manager)
    assert client.get(f"{RULES}add/").status_code == 200
    response = client.post(f"{RULES}add/", RULE)
    assert response.status_code == 302, response.content[:2000]
    rule = EligibilityRule.objects.get(offering_name="VoIP Line", kind="quantity")
    assert (rule.max_quantity, rule.segments, rule.is_active) == (2, [], True)


def test_operator_sees_the_rules_but_cannot_add_one(client, operator):
    before = list(EligibilityRule.objects.values_list("pk", flat=True))
    client.force_login(operator)
    assert client.get(RULES).status_code == 200
    assert client.get(f"{RULES}add/").status_code == 403
    assert client.post(f"{RULES}add/", RULE).status_code == 403
    assert list(EligibilityRule.objects.values_list("pk", flat=True)) == before


def test_catalog_manager_adds_an_area_with_its_coverage_and_serving_element(client, manager):
    client.force_login(manager)
    response = client.post(f"{AREAS}add/", AREA)
    assert response.status_code == 302, response.content[:2000]
    assert list(Coverage.objects.filter(area__code="HH-01").values_list(
        "technology", "max_speed_mbps", "serving_element")) == [("fibre", 1000, "OLT-HH-01")]


def test_operator_cannot_add_an_area(client, operator):
    client.force_login(operator)
    assert client.post(f"{AREAS}add/", AREA).status_code == 403
    assert (CoverageArea.objects.filter(code="HH-01").exists(), Coverage.objects.count()) == (False, 0)
