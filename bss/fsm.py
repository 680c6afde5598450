"""The one way services run a django-fsm-2 transition: check, transition, save, log."""
from django.contrib.contenttypes.models import ContentType
from django_fsm import can_proceed

from .context import current_actor, current_correlation_id
from .errors import IllegalTransition
from .models import TransitionLog


def transition_apply(obj, transition: str, *, actor: str | None = None, reason: str = "",
                     update_fields: tuple[str, ...] = (), state_field: str = "state", **kwargs) -> None:
    """Run `obj.<transition>()` if allowed, save the state (and the fields the transition sets), log it.

    Callers hold the row lock (select_for_update) and the transaction."""
    bound = getattr(obj, transition)
    source = getattr(obj, state_field)
    if not can_proceed(bound):
        raise IllegalTransition(
            f"{type(obj).__name__} {obj.pk} cannot {transition} from state '{source}'")
    bound(**kwargs)
    obj.save(update_fields=[state_field, *update_fields])
    transition_log(obj, transition=transition, source=source, target=getattr(obj, state_field),
                   actor=actor, reason=reason)


def transition_log(obj, *, transition: str, source: str, target: str, actor: str | None = None,
                   reason: str = "") -> TransitionLog:
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        transition=transition,
        source_state=source,
        target_state=target,
        actor=actor or current_actor(),
        reason=reason,
        correlation_id=current_correlation_id(),
    )


def transition_history(obj):
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))
