from django.contrib import admin

from yingshang.enterprises.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseMembership,
    EnterpriseQualification,
    Industry,
    QualificationType,
)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "section", "sector")
    list_filter = ("level", "section")
    search_fields = ("code", "name")


@admin.register(QualificationType)
class QualificationTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "synonyms")


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "region", "industry", "size", "status")
    list_filter = ("status", "size", "region")
    search_fields = ("name", "credit_code")
    raw_id_fields = ("industry",)
    readonly_fields = ("size", "size_reason", "provenance")


admin.site.register(EnterpriseQualification)
admin.site.register(EnterpriseMembership)
admin.site.register(EnterpriseImport)
