"""System administration (系统管理员, superusers only): accounts, the bureau tree and the
memberships that open a district to its first administrator. Domain records are kept by the
bureaus themselves through the scoped pages and API, never here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from bureaus.models import Bureau, Membership, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "is_active", "is_superuser")


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "path")
    search_fields = ("code", "name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "bureau", "role", "is_active")
    list_filter = ("role", "is_active")
    autocomplete_fields = ("bureau",)


admin.site.site_header = "Jianguan"


def _superusers_only(request):
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
