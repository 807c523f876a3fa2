"""Django admin for the appeal loop's configuration: categories, the dispatch catalogue, SLA rules, Open311 keys.

Appeals themselves change only through services (events and audit), so they are read-only here; the dispatch
catalogue (派单目录) is edited on the city page `appeals:catalogue` (dated lines, validated, audited).
"""

from django.contrib import admin

from yingshang.appeals.models import Appeal, AppealCategory, Open311Client, SlaRule


@admin.register(AppealCategory)
class AppealCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "group", "function_key", "is_active", "sort_order")
    list_filter = ("kind", "is_active")

    def save_model(self, request, obj, form, change):
        from yingshang.appeals.selectors import clear_catalogue
        from yingshang.core.audit import record_change

        super().save_model(request, obj, form, change)
        record_change(
            actor=request.user,
            action="appeal.category.save",
            obj=obj,
            after={
                "code": obj.code,
                "name": obj.name,
                "function_key": obj.function_key,
                "is_active": obj.is_active,
            },
        )
        clear_catalogue()


@admin.register(SlaRule)
class SlaRuleAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "category",
        "kind",
        "urgency",
        "requester_type",
        "sign_hours",
        "contact_hours",
        "reply_days",
        "reply_hours",
        "is_active",
        "note",
    )
    list_filter = ("kind", "urgency", "is_active")

    def save_model(self, request, obj, form, change):
        from yingshang.core.audit import record_change

        super().save_model(request, obj, form, change)
        record_change(
            actor=request.user,
            action="appeal.sla_rule.save",
            obj=obj,
            after={
                f: str(getattr(obj, f))
                for f in (
                    "kind",
                    "urgency",
                    "requester_type",
                    "sign_hours",
                    "contact_hours",
                    "reply_days",
                    "reply_hours",
                )
            },
        )


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key_prefix", "created_at", "revoked_at")
    readonly_fields = ("key_hash", "key_prefix", "created_at")


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ("tracking_number", "title", "status", "handling_department", "received_at", "due_at")
    list_filter = ("status", "channel")
    search_fields = ("tracking_number", "title")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
