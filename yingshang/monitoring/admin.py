from django.contrib import admin

from yingshang.monitoring.models import (
    Dimension,
    Indicator,
    IndicatorTarget,
    ScoringParameter,
    Topic,
    WeightSet,
)


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "dimension", "sort_order")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "topic",
        "unit",
        "direction",
        "frequency",
        "source",
        "function_key",
        "in_index",
    )
    list_filter = ("source", "frequency", "topic__dimension")
    search_fields = ("name", "code")


@admin.register(ScoringParameter)
class ScoringParameterAdmin(admin.ModelAdmin):
    """Read-only here: new versions are added through services.set_scoring_parameter (audited)."""

    list_display = ("indicator", "plan_year", "version", "best", "worst", "basis")
    list_filter = ("plan_year",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WeightSet)
class WeightSetAdmin(admin.ModelAdmin):
    list_display = ("version", "effective_from", "note", "created_at")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator", "plan_target", "linked_at")
