import pytest
from django.core.management import call_command
from oauth2_provider.models import AccessToken

from apps.parties.choices import PartyKind
from apps.parties.services import api_client_register, party_get_or_create


@pytest.fixture
def lab_client(db):
    party = party_get_or_create(name="Lab", kind=PartyKind.PARTNER)
    return api_client_register(name="lab", party=party, scopes=["tmf622.read", "tmf622.write"],
                               client_secret="s3cret")


def test_client_credentials_grant_gives_the_clients_scopes(client, lab_client):
    response = client.post("/o/token/", {"grant_type": "client_credentials", "client_id": lab_client.application.client_id,
                                         "client_secret": "s3cret"})
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["scope"]) == ("Bearer", "tmf622.read tmf622.write")


def test_client_cannot_widen_its_scopes(client, lab_client):
    response = client.post("/o/token/", {"grant_type": "client_credentials", "client_id": lab_client.application.client_id,
                                         "client_secret": "s3cret", "scope": "tmf620.write"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert AccessToken.objects.count() == 0


def test_wrong_secret_gets_no_token(client, lab_client):
    response = client.post("/o/token/", {"grant_type": "client_credentials", "client_id": lab_client.application.client_id,
                                         "client_secret": "nope"})
    assert response.status_code == 401
    assert AccessToken.objects.count() == 0


def test_issue_token_command_prints_a_token_with_the_clients_scopes(lab_client, capsys):
    call_command("issue_token", "lab")
    printed = capsys.readouterr().out.strip()
    token = AccessToken.objects.get(token=printed)
    assert token.scope == "tmf622.read tmf622.write"
    assert token.application == lab_client.application


def test_issue_token_for_unknown_client_fails_cleanly(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no API client named 'ghost'"):
        call_command("issue_token", "ghost")


def test_demo_seed_is_idempotent(demo_parties):
    from apps.parties import demo
    from apps.parties.models import ApiClient, Party

    before = (Party.objects.count(), ApiClient.objects.count())
    demo.seed()
    assert (Party.objects.count(), ApiClient.objects.count()) == before
    assert sorted(c.application.name for c in ApiClient.objects.all()) == ["conformance-lab", "demo-channel"]
