from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .versions import api_family


def caller_is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_staff and getattr(request, "auth", None) is None)


class TMFScopePermission(BasePermission):
    """Tokens need `<api>.read` to read and `<api>.write` to write; staff sessions may do both."""

    message = "this token lacks the scope required here"

    def has_permission(self, request, view):
        if caller_is_staff(request):
            return True
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "allow_scopes"):
            raise NotAuthenticated()
        api = getattr(view, "tmf_api", None)
        if api is None:
            return False
        api = api_family(api)  # every version of an API is served under its scopes
        needed = f"{api}.read" if request.method in SAFE_METHODS or getattr(view, "read_scope_suffices", False) \
            else f"{api}.write"
        return token.is_valid([needed])


class StaffModelPermission(BasePermission):
    """Staff sessions write only what their Django model permissions allow (the catalogs: catalog managers and
    admins; an operator's session reads them). Tokens are judged by their scopes alone."""

    message = "your staff role may not change this"
    ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or not caller_is_staff(request):
            return True
        meta = view.queryset.model._meta
        return request.user.has_perm(f"{meta.app_label}.{self.ACTIONS.get(request.method, 'change')}_{meta.model_name}")
