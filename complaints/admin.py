from django.contrib import admin

from complaints.models import CalendarDay, ComplaintPolicy


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The working-day calendar: correct a day, or add next year's schedule when the State
    Council publishes it (or run `manage.py calendar_load`)."""

    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    list_editable = ["is_working_day", "note"]
    date_hierarchy = "date"
    search_fields = ["note"]


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(admin.ModelAdmin):
    list_display = ["bureau", "reply_days", "claim_days"]
    list_select_related = ["bureau"]
