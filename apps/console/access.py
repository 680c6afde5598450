"""Who may see and who may act: staff see the console; operators and admins act."""
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

ACTING_GROUPS = ("operator", "admin")


def user_can_act(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name__in=ACTING_GROUPS).exists())


def staff_view(view):
    """Anonymous or non-staff users are sent to the login page."""
    return user_passes_test(lambda user: user.is_active and user.is_staff)(view)


def operator_action(view):
    """A POST by an operator; anyone else gets a 403 page and nothing happens. Either way it is audited."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        from .services import staff_action_record

        if not user_can_act(request.user):
            response = render(request, "console/refused.html",
                              {"status": 403, "message": "Only operators and admins may act here."}, status=403)
        else:
            response = view(request, *args, **kwargs)
        staff_action_record(request=request, view_name=view.__name__,
                            target=" ".join(str(value) for value in kwargs.values()), status=response.status_code)
        return response

    guarded.audited_action = True  # copied onto the outer wrappers: tests find the actions from the URLconf
    return staff_view(require_POST(guarded))


def simulator_controls(view):
    """Only where BSS_SIMULATOR_CONTROLS is on (test and demo): elsewhere the page does not exist."""

    @wraps(view)
    def gated(request, *args, **kwargs):
        if not settings.BSS_SIMULATOR_CONTROLS:
            raise Http404("the network simulator controls are off here")
        return view(request, *args, **kwargs)

    return gated


def console_settings(request) -> dict:
    """What every console template may show: the simulator link only where its page exists."""
    return {"simulator_controls": settings.BSS_SIMULATOR_CONTROLS}


def actor_of(request) -> str:
    return request.user.get_username()
