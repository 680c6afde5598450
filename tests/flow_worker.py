"""The Celery app of the flow tests' worker (`celery -A tests.flow_worker`): the project's app, plus what only a
worker serving many tests in a row needs."""
from celery import signals

from config.celery_app import app  # noqa: F401 - the app Celery loads from this module


@signals.task_prerun.connect(weak=False)
def forget_content_type_ids(**_):
    # Tests flush the database between them, which renumbers content types: no stale cache across tests.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
