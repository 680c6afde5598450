from bss.api.filters import RANGE_LOOKUPS, TMFFilterSet

from .models import Product


class ProductFilterSet(TMFFilterSet):
    tmf_fields = {
        "id": "id",
        "status": "status",
        "name": "name",
        "productOffering.id": "offering_id",
        "productSpecification.id": "product_spec_id",
        "billingAccount.id": "billing_account_id",
        "productSerialNumber": "product_serial_number",
        "startDate": ("start_date", RANGE_LOOKUPS),
        "orderDate": ("order_date", RANGE_LOOKUPS),
    }

    class Meta:
        model = Product
        fields = []
