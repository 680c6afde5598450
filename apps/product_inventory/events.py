"""TMF637 event names; every event carries the product's id and its owner (the channel that ordered it)."""
PRODUCT_CREATE = "ProductCreateEvent"
PRODUCT_STATE_CHANGE = "ProductStateChangeEvent"
PRODUCT_ATTRIBUTE_VALUE_CHANGE = "ProductAttributeValueChangeEvent"
PRODUCT_DELETE = "ProductDeleteEvent"


def product_payload(product) -> dict:
    return {"product_id": str(product.pk), "status": product.status, "offering_id": product.offering_id,
            "customer_party_id": product.customer_party_id,
            "service_ids": [s.get("service_id") for s in product.realizing_services]}
