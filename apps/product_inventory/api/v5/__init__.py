"""TMF637 v5.0.0: what changes on the wire from v4 (bss.api.versions.Dialect); everything else is v4's."""
from bss.api.versions import (PLACE_SCHEMA, RELATED_PARTY_SCHEMA, Dialect, characteristic_type, place_in, place_out,
                              related_party_in, related_party_out)

DIALECT = Dialect(
    version="v5", family="tmf637",
    types={"billingAccount": "BillingAccountRef", "productCharacteristic": characteristic_type,
           "productOffering": "ProductOfferingRef", "productOrderItem": "RelatedOrderItem",
           "productPrice": "ProductPrice", "price": "Price", "productSpecification": "ProductSpecificationRef",
           "realizingService": "ServiceRef", "realizingResource": "ResourceRef", "note": "Note",
           "productRelationship": "ProductRelationship", "productTerm": "ProductTerm"},
    renames={"productOrderId": "orderId", "productOrderHref": "orderHref"},
    reshape_out={"relatedParty": related_party_out("RelatedPartyOrPartyRole"), "place": place_out},
    reshape_in={"relatedParty": related_party_in, "place": place_in},
    schema_properties={"relatedParty": RELATED_PARTY_SCHEMA, "place": PLACE_SCHEMA},
)
