"""Seed the working-day calendar from the chinesecalendar package for every year it knows;
later years are added with `manage.py calendar_load` or in the admin."""

from django.db import migrations


def seed(apps, schema_editor):
    from core.workdays import calendar_rows

    CalendarDay = apps.get_model("complaints", "CalendarDay")
    for year in range(2004, 2031):
        rows = calendar_rows(year)
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=d, is_working_day=w, note=n) for d, w, n in rows],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
