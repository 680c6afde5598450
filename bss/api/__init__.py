"""The TMF API kit: every TMF resource is a serializer pair, a FilterSet, a service and a short viewset."""
