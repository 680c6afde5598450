from .models import ApiClient, BillingAccount, Party


def party_get(*, party_id) -> Party | None:
    try:
        return Party.objects.filter(pk=party_id).first()
    except (ValueError, TypeError, Exception):  # malformed uuid → unknown party
        return None


def billing_account_get(*, account_id) -> BillingAccount | None:
    try:
        return BillingAccount.objects.select_related("party").filter(pk=account_id).first()
    except (ValueError, TypeError, Exception):
        return None


def api_client_for_application(*, application) -> ApiClient | None:
    return ApiClient.objects.select_related("party").filter(application=application).first()


def party_for_request(request) -> Party | None:
    """The channel or partner behind a token; None for staff sessions (they see everything)."""
    token = getattr(request, "auth", None)
    application = getattr(token, "application", None)
    if application is None:
        return None
    cached = getattr(request, "_bss_party", False)
    if cached is not False:
        return cached
    client = api_client_for_application(application=application)
    request._bss_party = client.party if client else None
    return request._bss_party


def party_may_act_for(*, caller: Party | None, party: Party) -> bool:
    """A channel may act for itself and for the customers it acquired."""
    return caller is None or party.pk == caller.pk or party.channel_id == caller.pk
