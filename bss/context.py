"""Request-scoped context carried into logs, events and tasks."""
import contextvars
import uuid

correlation_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")
actor_var: contextvars.ContextVar[str] = contextvars.ContextVar("actor", default="system")


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str:
    return correlation_id_var.get()


def current_actor() -> str:
    return actor_var.get()
