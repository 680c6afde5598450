from django.db import migrations, models


def count_past_redrives(apps, schema_editor):
    """Items re-driven before the field existed: their count from the transition log, so that their completion
    still resolves their fallout cases."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    TransitionLog = apps.get_model("bss", "TransitionLog")
    Item = apps.get_model("service_ordering", "ServiceOrderItem")
    content_type = ContentType.objects.filter(app_label="service_ordering", model="serviceorderitem").first()
    if content_type is None:
        return
    counts = {}
    for object_id in TransitionLog.objects.filter(content_type=content_type, transition="redrive").values_list(
            "object_id", flat=True):
        counts[object_id] = counts.get(object_id, 0) + 1
    for object_id, count in counts.items():
        if object_id.isdigit():
            Item.objects.filter(pk=int(object_id)).update(redrives=count)


class Migration(migrations.Migration):

    dependencies = [
        ("service_ordering", "0003_item_activation_pinned"),
        ("bss", "0004_transition_log_without_content_type_constraint"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="serviceorderitem",
            name="redrives",
            field=models.PositiveIntegerField(default=0, help_text="re-drives and skipped steps after a failure"),
        ),
        migrations.RunPython(count_past_redrives, migrations.RunPython.noop),
    ]
