"""The calendar and notification tables now belong to core/ (renamed in place by
core 0002); supervision-order numbers continue from the highest issued so far, through core's
counter."""

import re

from django.db import migrations


def continue_order_numbers(apps, schema_editor):
    SupervisionOrder = apps.get_model("complaints", "SupervisionOrder")
    NumberCounter = apps.get_model("core", "NumberCounter")
    highest: dict[tuple[int, int], int] = {}
    for issued_by_id, number in SupervisionOrder.objects.values_list("issued_by_id", "number"):
        match = re.fullmatch(r"DB\d+-(\d{4})-(\d+)", number)
        if match:
            key = (issued_by_id, int(match.group(1)))
            highest[key] = max(highest.get(key, 0), int(match.group(2)))
    for (bureau_id, year), last in highest.items():
        NumberCounter.objects.update_or_create(
            bureau_id=bureau_id,
            kind="supervision-order",
            year=year,
            defaults={"last": last},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0003_event_time"),
        ("core", "0002_calendar_and_notifications"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CalendarDay"),
                migrations.DeleteModel(name="Notification"),
            ],
        ),
        migrations.RunPython(continue_order_numbers, migrations.RunPython.noop),
    ]
