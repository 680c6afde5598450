"""TMF620 v5.0.0: what changes on the wire from v4 (bss.api.versions.Dialect); everything else is v4's."""
from bss.api.versions import RELATED_PARTY_SCHEMA, Dialect, related_party_in, related_party_out


def _parent_out(parent_id):
    return {"@type": "CategoryRef", "id": parent_id} if isinstance(parent_id, str) and parent_id else parent_id


def _parent_in(parent):
    return parent.get("id") if isinstance(parent, dict) else parent


DIALECT = Dialect(
    version="v5", family="tmf620", json_patch=True,
    resources={"catalog": "productCatalog"},
    types={"category": "CategoryRef", "productOffering": "ProductOfferingRef",
           "productSpecification": "ProductSpecificationRef", "bundledProductOffering": "BundledProductOffering",
           "bundledProductOfferingOption": "BundledProductOfferingOption",
           "productOfferingPrice": "ProductOfferingPriceRef", "tax": "TaxItem",
           "productSpecCharacteristic": "CharacteristicSpecification",
           "productSpecCharacteristicValue": "CharacteristicValueSpecification",
           "serviceSpecification": "ServiceSpecificationRef", "resourceSpecification": "ResourceSpecificationRef",
           "prodSpecCharRelationship": "CharacteristicSpecificationRelationship",
           "productSpecificationRelationship": "ProductSpecificationRelationship",
           "popRelationship": "ProductOfferingPriceRelationship", "bundledPopRelationship": "BundledProductOfferingPriceRelationship",
           "productOfferingRelationship": "ProductOfferingRelationship", "subCategory": "CategoryRef",
           "attachment": "AttachmentRefOrValue", "productOfferingTerm": "ProductOfferingTerm",
           "marketSegment": "MarketSegmentRef", "channel": "ChannelRef", "place": "PlaceRef",
           "prodSpecCharValueUse": "ProductSpecificationCharacteristicValueUse"},
    renames={"parentId": "parent"},
    reshape_out={"relatedParty": related_party_out(), "parentId": _parent_out},
    reshape_in={"relatedParty": related_party_in, "parentId": _parent_in},
    schema_properties={"relatedParty": RELATED_PARTY_SCHEMA,
                       "parentId": {"type": "object", "properties": {"id": {"type": "string"},
                                                                     "@type": {"type": "string"}}}},
)
