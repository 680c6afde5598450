"""The console's own writes: its audit of staff actions."""
from .models import StaffAction


def staff_action_record(*, request, view_name: str, target: str, status: int) -> StaffAction:
    params = {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
    action = f"{view_name}:{params['action']}" if params.get("action") else view_name
    user = request.user if request.user.is_authenticated else None
    return StaffAction.objects.create(user=user, username=user.get_username() if user else "", action=action[:80],
                                      target=target[:200], params=params, status=status)
