"""TMF638 v5.0.0: what changes on the wire from v4 (bss.api.versions.Dialect); everything else is v4's."""
from bss.api.versions import (PLACE_SCHEMA, RELATED_PARTY_SCHEMA, Dialect, characteristic_type, place_in, place_out,
                              related_party_in, related_party_out)

# Our operatingStatus extension becomes v5's ServiceOperatingStatusType.
OPERATING_STATUS = {"ok": "running", "degraded": "degraded", "suspended": "stopped"}

DIALECT = Dialect(
    version="v5", family="tmf638",
    types={"serviceCharacteristic": characteristic_type, "serviceSpecification": "ServiceSpecificationRef",
           "supportingResource": "ResourceRef", "supportingService": "ServiceRef", "note": "Note",
           "serviceRelationship": "ServiceRelationship", "feature": "Feature",
           "serviceOrderItem": "RelatedServiceOrderItem"},
    values={"operatingStatus": OPERATING_STATUS},
    reshape_out={"relatedParty": related_party_out(), "place": place_out},
    reshape_in={"relatedParty": related_party_in, "place": place_in},
    schema_properties={"relatedParty": RELATED_PARTY_SCHEMA, "place": PLACE_SCHEMA},
)
