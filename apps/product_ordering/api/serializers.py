"""TMF622 JSON ↔ COM's domain commands (the anti-corruption layer). Nothing below api/ sees TMF JSON."""
from rest_framework import serializers

from bss.api.refs import (CharacteristicInputSerializer, InstallationPlaceInput, RefInputSerializer,
                          RelatedPartyInputSerializer, VersionedRefInputSerializer, WholeInPatch, characteristics_render,
                          compact, ref_render)
from bss.api.serializers import TMFInputSerializer, TMFReadSerializer, href_for

from ..choices import ItemAction
from ..models import CancelProductOrder, ProductOrder, ProductOrderItem

RELIES_ON = "reliesOn"
INSTALLATION_ADDRESS = "installationAddress"  # the one role of product.place: where the product is delivered
PARTY_KINDS = ("individual", "organization")


# --- rendering ------------------------------------------------------------------------------------------------
def _price_render(price: dict) -> dict:
    return compact({"name": price.get("name") or None, "priceType": price.get("price_type") or "recurring",
                    "recurringChargePeriod": price.get("recurring_period") or None,
                    "price": {"dutyFreeAmount": {"unit": price.get("currency") or "EUR",
                                                 "value": float(price.get("amount") or 0)},
                              "taxRate": float(price["tax_rate"]) if price.get("tax_rate") is not None else None}})


def _item_render(item: ProductOrderItem, request=None) -> dict:
    product = {"productCharacteristic": characteristics_render(item.characteristics)}
    product_id = item.result_product_id or item.product_id
    if product_id:
        product.update(id=product_id, href=href_for("tmf637", "product", product_id, request) or None)
    if item.place_id:
        product["place"] = [{"id": item.place_id, "role": INSTALLATION_ADDRESS, "@referredType": "GeographicAddress"}]
    if item.product_spec_id:
        product["productSpecification"] = ref_render(item.product_spec_id, name=item.product_spec_name,
                                                     version=item.product_spec_version or None)
    return compact({
        "id": item.item_id, "action": item.action, "quantity": item.quantity, "state": item.state,
        "productOffering": ref_render(item.offering_id, name=item.offering_name,
                                      href=href_for("tmf620", "productOffering", item.offering_id, request) or None)
        if item.offering_id else None,
        "product": product,
        "billingAccount": ref_render(item.billing_account_id, referred_type="BillingAccount")
        if item.billing_account_id else None,
        "itemPrice": [_price_render(price) for price in item.prices] or None,
        "productOrderItemRelationship": [{"id": other, "relationshipType": RELIES_ON}
                                         for other in item.relies_on] or None,
        "@type": "ProductOrderItem",
    })


def related_parties_render(parties: list[dict]) -> list[dict]:
    return [ref_render(p["party_id"], name=p.get("name"), role=p.get("role") or None,
                       referred_type=p.get("kind") or "Individual") for p in parties]


class ProductOrderSerializer(TMFReadSerializer):
    externalId = serializers.CharField(source="external_id")
    description = serializers.CharField()
    category = serializers.CharField()
    priority = serializers.CharField()
    notificationContact = serializers.CharField(source="notification_contact")
    state = serializers.CharField()
    orderDate = serializers.DateTimeField(source="order_date")
    requestedStartDate = serializers.DateTimeField(source="requested_start_date")
    requestedCompletionDate = serializers.DateTimeField(source="requested_completion_date")
    expectedCompletionDate = serializers.DateTimeField(source="expected_completion_date")
    completionDate = serializers.DateTimeField(source="completion_date")
    cancellationDate = serializers.DateTimeField(source="cancellation_date")
    cancellationReason = serializers.CharField(source="cancellation_reason")
    billingAccount = serializers.SerializerMethodField()
    relatedParty = serializers.SerializerMethodField()
    productOfferingQualification = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    productOrderItem = serializers.SerializerMethodField()

    class Meta:
        model = ProductOrder
        tmf = ("tmf622", "productOrder", "ProductOrder")
        fields = ["id", "href", "externalId", "description", "category", "priority", "notificationContact", "state",
                  "orderDate", "requestedStartDate", "requestedCompletionDate", "expectedCompletionDate",
                  "completionDate", "cancellationDate", "cancellationReason", "billingAccount", "relatedParty",
                  "productOfferingQualification", "note", "productOrderItem"]

    def get_billingAccount(self, obj) -> dict | None:
        if not obj.billing_account_id:
            return None
        return ref_render(obj.billing_account_id, name=obj.billing_account_name, referred_type="BillingAccount")

    def get_relatedParty(self, obj) -> list[dict]:
        return related_parties_render(obj.related_parties)

    def get_productOfferingQualification(self, obj) -> list[dict] | None:
        return [ref_render(q, referred_type="ProductOfferingQualification") for q in obj.qualification_ids] or None

    def get_note(self, obj) -> list[dict] | None:
        # Why the order was rejected, failed or went partial is told to the channel as system notes.
        notes = [compact({"text": n.get("text"), "author": n.get("author") or None, "date": n.get("date") or None})
                 for n in obj.notes]
        notes += [{"text": reason, "author": "system"} for reason in obj.state_reasons]
        return notes or None

    def get_productOrderItem(self, obj) -> list[dict]:
        return [_item_render(item, self.context.get("request")) for item in obj.items.all()]

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != "" or key in ("id", "href")}


class CancelProductOrderSerializer(TMFReadSerializer):
    cancellationReason = serializers.CharField(source="cancellation_reason")
    requestedCancellationDate = serializers.DateTimeField(source="requested_cancellation_date")
    effectiveCancellationDate = serializers.DateTimeField(source="effective_cancellation_date")
    state = serializers.CharField()
    productOrder = serializers.SerializerMethodField()

    class Meta:
        model = CancelProductOrder
        tmf = ("tmf622", "cancelProductOrder", "CancelProductOrder")
        fields = ["id", "href", "cancellationReason", "requestedCancellationDate", "effectiveCancellationDate",
                  "state", "productOrder"]

    def get_productOrder(self, obj) -> dict:
        return ref_render(obj.order_id, referred_type="ProductOrder",
                          href=href_for("tmf622", "productOrder", obj.order_id, self.context.get("request")))

    def to_representation(self, instance):
        data = compact(super().to_representation(instance))
        return {key: value for key, value in data.items() if value != ""}


# --- input ----------------------------------------------------------------------------------------------------
class NoteInputSerializer(WholeInPatch):
    text = serializers.CharField(max_length=2000)
    author = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateTimeField(required=False)


class RelationshipInputSerializer(WholeInPatch):
    id = serializers.CharField(max_length=100)
    relationshipType = serializers.CharField(max_length=50)


class ProductValueInputSerializer(WholeInPatch, InstallationPlaceInput):
    id = serializers.CharField(max_length=64, required=False)
    productCharacteristic = CharacteristicInputSerializer(many=True, required=False)


class ProductOrderItemInputSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100)
    action = serializers.ChoiceField(choices=ItemAction.choices)
    quantity = serializers.IntegerField(min_value=1, max_value=10000, required=False, default=1)
    productOffering = VersionedRefInputSerializer(required=False)
    product = ProductValueInputSerializer(required=False)
    billingAccount = RefInputSerializer(required=False)
    productOrderItemRelationship = RelationshipInputSerializer(many=True, required=False)
    qualification = RefInputSerializer(many=True, required=False)

    def validate(self, attrs):
        product = attrs.get("product") or {}
        if attrs["action"] != ItemAction.ADD and not product.get("id"):
            raise serializers.ValidationError({"product": f"product.id is required to {attrs['action']} a product"})
        names = [c["name"] for c in product.get("productCharacteristic", [])]
        if len(set(names)) != len(names):
            raise serializers.ValidationError({"product": "characteristic names must be unique"})
        return attrs


def _item_command(item: dict) -> dict:
    """One productOrderItem → the keyword arguments of a ProductOrderItem."""
    offering = item.get("productOffering") or {}
    product = item.get("product") or {}
    qualifications = item.get("qualification") or []
    return {
        "item_id": item["id"], "action": item["action"], "quantity": item.get("quantity") or 1,
        "offering_id": offering.get("id", ""), "offering_version": offering.get("version") or "",
        "offering_name": offering.get("name", ""), "product_id": product.get("id", ""),
        "characteristics": {c["name"]: c["value"] for c in product.get("productCharacteristic", [])},
        "billing_account_id": (item.get("billingAccount") or {}).get("id", ""),
        "qualification_id": qualifications[0]["id"] if qualifications else "",
        "place_id": product["place"][0]["id"] if product.get("place") else "",
        "relies_on": [r["id"] for r in item.get("productOrderItemRelationship", [])
                      if r["relationshipType"] == RELIES_ON],
    }


def _relies_on_problem(items: list[dict]) -> str | None:
    """reliesOn must name items of this order and must not loop (a loop would wait forever)."""
    graph = {item["item_id"]: item["relies_on"] for item in items}
    for item_id, needed in graph.items():
        unknown = [other for other in needed if other not in graph]
        if unknown:
            return f"item {item_id} relies on unknown item {unknown[0]}"
    visiting, done = set(), set()

    def loops(node) -> bool:
        if node in done:
            return False
        if node in visiting:
            return True
        visiting.add(node)
        found = any(loops(other) for other in graph[node])
        visiting.discard(node)
        done.add(node)
        return found

    return next((f"item {node} takes part in a reliesOn loop" for node in graph if loops(node)), None)


def _related_parties(parties: list[dict]) -> list[dict]:
    return [{"party_id": p["id"], "role": p.get("role") or "", "name": p["name"], "kind": p["referred_type"]}
            for p in parties]


def _customer_of(parties: list[dict]) -> str:
    """The customer: the party with role customer, else the first individual/organization, else the first."""
    for test in (lambda p: p["role"].lower() == "customer", lambda p: p["kind"].lower() in PARTY_KINDS,
                 lambda p: True):
        found = next((p for p in parties if test(p)), None)
        if found:
            return found["party_id"]
    return ""


class ProductOrderCreateSerializer(TMFInputSerializer):
    """TMF622 ProductOrder_Create → {"external_id", "attributes", "items"} for services.product_order_submit."""

    externalId = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    priority = serializers.CharField(max_length=20, required=False, allow_blank=True)
    notificationContact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    requestedStartDate = serializers.DateTimeField(required=False, allow_null=True)
    requestedCompletionDate = serializers.DateTimeField(required=False, allow_null=True)
    billingAccount = RefInputSerializer(required=False)
    relatedParty = RelatedPartyInputSerializer(many=True, required=False)
    productOfferingQualification = RefInputSerializer(many=True, required=False)
    note = NoteInputSerializer(many=True, required=False)
    productOrderItem = ProductOrderItemInputSerializer(many=True, allow_empty=False)

    def validate(self, attrs):
        items = [_item_command(item) for item in attrs["productOrderItem"]]
        ids = [item["item_id"] for item in items]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"productOrderItem": "item ids must be unique within the order"})
        problem = _relies_on_problem(items)
        if problem:
            raise serializers.ValidationError({"productOrderItemRelationship": problem})
        parties = _related_parties(attrs.get("relatedParty", []))
        attributes = {
            "description": attrs.get("description", ""), "category": attrs.get("category", ""),
            "priority": attrs.get("priority", ""), "notification_contact": attrs.get("notificationContact", ""),
            "requested_start_date": attrs.get("requestedStartDate"),
            "requested_completion_date": attrs.get("requestedCompletionDate"),
            "billing_account_id": (attrs.get("billingAccount") or {}).get("id", ""),
            "related_parties": parties, "customer_party_id": _customer_of(parties),
            "qualification_ids": [q["id"] for q in attrs.get("productOfferingQualification", [])],
            "notes": _notes(attrs.get("note", [])),
            **{key: attrs[key] for key in ("at_type", "at_base_type", "at_schema_location") if key in attrs},
        }
        return {"external_id": attrs.get("externalId", ""), "attributes": attributes, "items": items}


def _notes(notes: list[dict]) -> list[dict]:
    return [{"text": n["text"], "author": n.get("author", ""),
             "date": n["date"].isoformat() if n.get("date") else ""} for n in notes]


class ProductOrderUpdateSerializer(TMFInputSerializer):
    """Merge-patch of the client-changeable attributes → {domain name: value}."""

    READ_ONLY = {"state": "state is read-only: cancel with cancelProductOrder",
                 "productOrderItem": "items cannot be changed once ordered",
                 "externalId": "externalId cannot be changed", "orderDate": "orderDate is read-only",
                 "completionDate": "completionDate is read-only"}

    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    priority = serializers.CharField(max_length=20, required=False, allow_blank=True)
    notificationContact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    requestedStartDate = serializers.DateTimeField(required=False, allow_null=True)
    requestedCompletionDate = serializers.DateTimeField(required=False, allow_null=True)
    billingAccount = RefInputSerializer(required=False)
    note = NoteInputSerializer(many=True, required=False)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            refused = {name: message for name, message in self.READ_ONLY.items() if name in data}
            if refused:
                raise serializers.ValidationError(refused)
        values = super().to_internal_value(data)
        changes = {}
        for json_name, domain_name in (("description", "description"), ("category", "category"),
                                       ("priority", "priority"), ("notificationContact", "notification_contact"),
                                       ("requestedStartDate", "requested_start_date"),
                                       ("requestedCompletionDate", "requested_completion_date")):
            if json_name in values:
                changes[domain_name] = values[json_name]
        if "billingAccount" in values:
            changes["billing_account_id"] = values["billingAccount"]["id"]
        if "note" in values:
            changes["notes"] = _notes(values["note"])
        for key in ("at_type", "at_base_type", "at_schema_location"):
            if key in values:
                changes[key] = values[key]
        return changes


class CancelProductOrderCreateSerializer(TMFInputSerializer):
    productOrder = RefInputSerializer()
    cancellationReason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    requestedCancellationDate = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs):
        return {"order_id": attrs["productOrder"]["id"], "reason": attrs.get("cancellationReason", ""),
                "requested_date": attrs.get("requestedCancellationDate"),
                "typing": {key: attrs[key] for key in ("at_type", "at_base_type", "at_schema_location") if key in attrs}}
