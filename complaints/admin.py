from django.contrib import admin

from complaints.models import ComplaintPolicy


@admin.register(ComplaintPolicy)
class ComplaintPolicyAdmin(admin.ModelAdmin):
    list_display = ["bureau", "reply_days", "claim_days"]
    list_select_related = ["bureau"]
