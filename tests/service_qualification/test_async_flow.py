"""Async qualifications through a real worker: accepted/acknowledged answers become done on queue `orders`."""
import pytest

from apps.product_qualification.models import ProductOfferingQualification
from apps.service_qualification import demo
from apps.service_qualification.models import CheckServiceQualification
from bss.testing import post_json

CHECKS = "/tmf-api/serviceQualificationManagement/v4/checkServiceQualification"
POQ = "/tmf-api/productOfferingQualification/v4/productOfferingQualification"


@pytest.mark.flows
def test_async_service_and_offering_qualifications_are_finished_by_the_worker(
        api, channel_a, demo_catalog, celery_worker, eventually):
    demo.seed()
    _, token = channel_a
    fibre = demo_catalog.service_specs["Fibre Access"]
    check = post_json(api, CHECKS, {"instantSyncQualification": False, "serviceQualificationItem": [{"service": {
        "serviceSpecification": {"id": str(fibre.pk)},
        "place": [{"role": "installationAddress", "streetName": "Friedrichstrasse", "streetNr": "100",
                   "postcode": "10117"}]}}]}, token).json()
    poq = post_json(api, POQ, {"instantSyncQualification": False, "productOfferingQualificationItem": [
        {"id": "1", "productOffering": {"id": str(demo_catalog.offering("IPTV Basic").pk)}}]}, token).json()
    assert (check["state"], poq["state"]) == ("accepted", "acknowledged")
    eventually(lambda: CheckServiceQualification.objects.get(pk=check["id"]).state == "done",
               message="service check done")
    eventually(lambda: ProductOfferingQualification.objects.get(pk=poq["id"]).state == "done",
               message="offering qualification done")
    assert CheckServiceQualification.objects.get(pk=check["id"]).qualification_result == "qualified"
    assert ProductOfferingQualification.objects.get(pk=poq["id"]).qualification_result == "unqualified"
