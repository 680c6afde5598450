"""OAuth2 scopes: a read and a write scope per TMF API; each client is granted its own subset."""
from django.conf import settings
from oauth2_provider.scopes import BaseScopes


def all_scopes() -> dict[str, str]:
    scopes = {}
    for api in settings.BSS_TMF_APIS:
        scopes[f"{api}.read"] = f"Read {api.upper()}"
        scopes[f"{api}.write"] = f"Write {api.upper()}"
    return scopes


class ClientScopes(BaseScopes):
    def get_all_scopes(self):
        return all_scopes()

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        from .selectors import api_client_for_application

        client = api_client_for_application(application=application) if application else None
        return client.scope_list if client else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)
