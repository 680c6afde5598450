"""TMF679 v5.0.0: what changes on the wire from v4 (bss.api.versions.Dialect); everything else is v4's.

v5 splits the v4 task into checkProductOfferingQualification (is this offering available to me?) and
queryProductOfferingQualification (what can I have?); ours is the check."""
from bss.api.versions import (PLACE_SCHEMA, RELATED_PARTY_SCHEMA, Dialect, characteristic_type, place_in, place_out,
                              related_party_in, related_party_out)

DIALECT = Dialect(
    version="v5", family="tmf679",
    resources={"productOfferingQualification": "checkProductOfferingQualification"},
    types={"productOfferingQualificationItem": "CheckProductOfferingQualificationItem",
           "productOffering": "ProductOfferingRef", "product": "Product",
           "productCharacteristic": characteristic_type, "alternateProductOfferingProposal":
               "AlternateProductOfferingProposal", "eligibilityUnavailabilityReason": "EligibilityResultReason",
           "category": "CategoryRef", "note": "Note", "qualificationItemRelationship":
               "ProductOfferingQualificationItemRelationship", "productOfferingQualificationItemRelationship":
               "ProductOfferingQualificationItemRelationship", "billingAccount": "BillingAccountRef",
           "productSpecification": "ProductSpecificationRef"},
    renames={"productOfferingQualificationItem": "checkProductOfferingQualificationItem",
             "expectedPOQCompletionDate": "expectedQualificationCompletionDate",
             "requestedPOQCompletionDate": "requestedQualificationCompletionDate",
             "provideUnavailabilityReason": "provideResultReason",
             "eligibilityUnavailabilityReason": "eligibilityResultReason",
             "productOfferingQualificationDate": "creationDate"},
    reshape_out={"relatedParty": related_party_out("RelatedPartyOrPartyRole"), "place": place_out},
    reshape_in={"relatedParty": related_party_in, "place": place_in},
    schema_properties={"relatedParty": RELATED_PARTY_SCHEMA, "place": PLACE_SCHEMA},
)
