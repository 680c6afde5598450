"""Admin: the activation domain's job tables are where an operator looks past the console."""
from apps.service_ordering.models import RepairJob


def test_repair_jobs_are_listed_for_staff_with_their_state_and_attempts(admin_client):
    RepairJob.objects.create(service_id="svc-42", platform="ipam", kind="reapply", requested_by="drift-7",
                             attempts=2, last_error="ipam: HTTP 503")

    body = admin_client.get("/admin/service_ordering/repairjob/?state=pending").content.decode()

    assert "svc-42" in body and "drift-7" in body and "ipam: HTTP 503" in body
    assert '<td class="field-attempts">2</td>' in body


def test_repair_jobs_need_a_staff_login(client, db):
    response = client.get("/admin/service_ordering/repairjob/")

    assert (response.status_code, response["Location"]) == (
        302, "/admin/login/?next=/admin/service_ordering/repairjob/")
