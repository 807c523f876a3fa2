from django.contrib import admin

from yingshang.core.models import AuditEvent, CalendarYear, Department, HolidayOverride, Notification, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "region", "function_key", "path")
    list_filter = ("region", "function_key")
    search_fields = ("name", "short_name")
    readonly_fields = ("path",)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")

    def save_model(self, request, obj, form, change):
        from yingshang.core.services import set_holiday_override

        set_holiday_override(day=obj.date, is_workday=obj.is_workday, name=obj.name, by=request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "confirmed_by", "confirmed_at")
    readonly_fields = ("confirmed_by",)

    def save_model(self, request, obj, form, change):
        from yingshang.core.services import confirm_calendar_year

        confirm_calendar_year(year=obj.year, by=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_id", "object_label", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


admin.site.register(Notification)
