"""Beat schedules declared in code: apps call this from AppConfig.ready(); django-celery-beat syncs them."""


def schedule_register(name: str, task: str, every_seconds: float, *, queue: str = "default", args=()) -> None:
    from django.conf import settings

    settings.CELERY_BEAT_SCHEDULE[name] = {"task": task, "schedule": every_seconds, "args": list(args),
                                           "options": {"queue": queue}}
    from celery import current_app

    current_app.conf.beat_schedule = settings.CELERY_BEAT_SCHEDULE
