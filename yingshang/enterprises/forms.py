from django import forms

from yingshang.core.models import Region
from yingshang.enterprises.choices import CreditClass, EnterpriseStatus, EntityType
from yingshang.enterprises.models import Enterprise, Industry


class ImportForm(forms.Form):
    file = forms.FileField(label="主体信息表（.xlsx / .csv）")
    dry_run = forms.BooleanField(label="仅校验，不写入", required=False)


class EnterpriseEditForm(forms.ModelForm):
    """Manual correction of registry facts; the reason goes to the audit trail."""

    reason = forms.CharField(label="修改原因", max_length=300)

    class Meta:
        model = Enterprise
        fields = ["name", "entity_type", "industry", "established_on", "status", "region", "zone", "address",
                  "legal_representative", "employees", "revenue_10k", "total_assets_10k", "registered_capital_10k",
                  "foreign_invested", "above_scale", "credit_class"]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.exclude(level="section")
        self.fields["region"].queryset = Region.objects.filter(kind="county")
        self.fields["zone"].queryset = Region.objects.filter(kind="zone")
        self.fields["entity_type"].choices = EntityType.choices
        self.fields["status"].choices = EnterpriseStatus.choices
        self.fields["credit_class"].choices = CreditClass.choices
