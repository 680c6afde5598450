"""TMF622 v5.0.0: what changes on the wire from v4 (bss.api.versions.Dialect); everything else is v4's."""
from bss.api.versions import (EXTERNAL_ID_SCHEMA, PLACE_SCHEMA, RELATED_PARTY_SCHEMA, Dialect, characteristic_type,
                              external_id_in, external_id_out, place_in, place_out, related_party_in,
                              related_party_out)

TYPES = {
    "productOrderItem": "ProductOrderItem", "billingAccount": "BillingAccountRef",
    "productOffering": "ProductOfferingRef", "product": "Product", "productCharacteristic": characteristic_type,
    "productSpecification": "ProductSpecificationRef", "note": "Note", "itemPrice": "OrderPrice", "price": "Price",
    "productOrderItemRelationship": "OrderItemRelationship",
    "productOfferingQualification": "ProductOfferingQualificationRef", "productOrder": "ProductOrderRef",
    "qualification": "ProductOfferingQualificationItemRef",
}

DIALECT = Dialect(
    version="v5", family="tmf622", types=TYPES,
    renames={"orderDate": "creationDate"},
    reshape_out={"relatedParty": related_party_out(), "externalId": external_id_out, "place": place_out},
    reshape_in={"relatedParty": related_party_in, "externalId": external_id_in, "place": place_in},
    schema_properties={"relatedParty": RELATED_PARTY_SCHEMA, "externalId": EXTERNAL_ID_SCHEMA,
                       "place": PLACE_SCHEMA},
)
