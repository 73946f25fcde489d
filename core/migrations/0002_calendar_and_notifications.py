"""The working-day calendar and notifications move from complaints/ to core/: the tables are
renamed in place, so every row (the State Council schedules loaded or edited so far, and every
notification) is kept."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

RENAMES = [
    ("complaints_calendarday", "core_calendarday"),
    ("complaints_notification", "core_notification"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("bureaus", "0002_audit_append_only"),
        ("core", "0001_counters"),
        ("complaints", "0003_event_time"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER TABLE {old} RENAME TO {new}",
                    reverse_sql=f"ALTER TABLE {new} RENAME TO {old}",
                )
                for old, new in RENAMES
            ],
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "date",
                            models.DateField(primary_key=True, serialize=False, verbose_name="Date"),
                        ),
                        ("is_working_day", models.BooleanField(verbose_name="Working day")),
                        ("note", models.CharField(blank=True, max_length=50, verbose_name="Note")),
                    ],
                    options={
                        "verbose_name": "Calendar day",
                        "verbose_name_plural": "Calendar days",
                        "ordering": ["date"],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("message", models.CharField(max_length=300, verbose_name="Message")),
                        ("link", models.CharField(blank=True, max_length=200)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("key", models.CharField(max_length=100)),
                        (
                            "bureau",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="bureaus.bureau",
                                verbose_name="bureau",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Notification",
                        "verbose_name_plural": "Notifications",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "key"), name="notification_unique_key"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
