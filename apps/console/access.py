"""Who may see and who may act: staff see the console; operators and admins act."""
from functools import wraps

from django.contrib.auth.decorators import user_passes_test
from django.shortcuts import render
from django.views.decorators.http import require_POST

ACTING_GROUPS = ("operator", "admin")


def user_can_act(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name__in=ACTING_GROUPS).exists())


def staff_view(view):
    """Anonymous or non-staff users are sent to the login page."""
    return user_passes_test(lambda user: user.is_active and user.is_staff)(view)


def operator_action(view):
    """A POST by an operator; anyone else gets a 403 page and nothing happens."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not user_can_act(request.user):
            return render(request, "console/refused.html",
                          {"status": 403, "message": "Only operators and admins may act here."}, status=403)
        return view(request, *args, **kwargs)

    return staff_view(require_POST(guarded))


def actor_of(request) -> str:
    return request.user.get_username()
