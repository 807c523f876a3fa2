from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from yingshang.accounts.models import LoginThrottle, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "role", "department", "region", "is_active")
    list_filter = ("role", "is_active", "region")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (*BaseUserAdmin.fieldsets, ("营商平台", {"fields": ("full_name", "phone", "role", "department", "region")}))


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ("username", "failures", "last_failure_at", "locked_until")
