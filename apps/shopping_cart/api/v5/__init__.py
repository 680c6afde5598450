"""TMF663 v5.0.0: what changes on the wire from v4 (bss.api.versions.Dialect); everything else is v4's."""
from bss.api.versions import RELATED_PARTY_SCHEMA, Dialect, characteristic_type, related_party_in, related_party_out

DIALECT = Dialect(
    version="v5", family="tmf663",
    types={"cartItem": "CartItem", "itemPrice": "CartPrice", "itemTotalPrice": "CartPrice",
           "cartTotalPrice": "CartPrice", "price": "Price", "productOffering": "ProductOfferingRef",
           "product": "Product", "productCharacteristic": characteristic_type, "note": "Note",
           "cartItemRelationship": "CartItemRelationship", "productSpecification": "ProductSpecificationRef",
           "billingAccount": "BillingAccountRef", "productOrder": "ProductOrderRef"},
    reshape_out={"relatedParty": related_party_out("RelatedPartyOrPartyRole")}, reshape_in={"relatedParty": related_party_in},
    schema_properties={"relatedParty": RELATED_PARTY_SCHEMA},
)
