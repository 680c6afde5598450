"""Driving COM without a worker: the services the subscribers would call, and activation's outcomes."""
from apps.product_ordering import services
from apps.product_ordering.models import ProductOrder, ServiceItem


def place(com, body_items=None, **kwargs):
    """Submit and validate an order as the subscribers would; returns the fresh order."""
    from apps.product_ordering.api.serializers import ProductOrderCreateSerializer

    from .conftest import order_body

    serializer = ProductOrderCreateSerializer(data=order_body(com, items=body_items, **kwargs))
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    order = services.product_order_submit(owner=com.channel, external_id=data["external_id"],
                                          attributes=data["attributes"], items=data["items"])
    services.product_order_validate(order_id=order.pk)
    return ProductOrder.objects.get(pk=order.pk)


def service_item(order, service_spec):
    return ServiceItem.objects.get(order_item__order=order, service_spec_id=str(service_spec.pk))


def outcome(order, service_spec, state, *, error=None, service_id=None, fallout=False):
    """Activation reports one service order item's outcome for the latest submission (`fallout`: it failed
    into a fallout case)."""
    item = service_item(order, service_spec)
    submission = item.order_item.submissions.order_by("-attempt").first()
    services.service_order_outcome_record(external_id=submission.external_id, key=item.key, state=state,
                                          service_id=service_id or f"svc-{item.key}", error=error, fallout=fallout)
    return ProductOrder.objects.get(pk=order.pk)


def states(order):
    order = ProductOrder.objects.get(pk=order.pk)
    return order.state, {item.item_id: item.state for item in order.items.all()}
