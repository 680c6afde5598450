"""Test helpers owned by the parties context."""


def make_channel(name: str, scopes: list[str] | None = None):
    """A channel party with an OAuth client and a token; returns (party, bearer token string)."""
    from apps.parties.choices import PartyKind
    from apps.parties.demo import channel_scopes
    from apps.parties.services import api_client_register, party_get_or_create, token_issue

    party = party_get_or_create(name=name, kind=PartyKind.CHANNEL)
    api_client_register(name=name, party=party, scopes=channel_scopes() if scopes is None else scopes)
    return party, token_issue(client_name=name).token
