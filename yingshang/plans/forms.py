"""Forms of the plans app: only what needs Django's file handling; the rules live in services."""

from __future__ import annotations

from django import forms


class PlanUploadForm(forms.Form):
    file = forms.FileField(label="方案文件（TXT 或 DOCX）")
    year = forms.IntegerField(
        label="方案年度（留空自动识别）", required=False, min_value=2000, max_value=2100
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ProgressForm(forms.Form):
    percent = forms.DecimalField(
        label="完成进度（%）",
        max_digits=5,
        decimal_places=1,
        error_messages={"invalid": "请填写数字形式的完成进度。", "required": "请填写完成进度。"},
    )
    text = forms.CharField(
        label="进展情况", widget=forms.Textarea, error_messages={"required": "请填写进展情况。"}
    )
    measure = forms.IntegerField(label="具体措施", required=False)
    evidence = MultipleFileField(label="佐证材料（可多选）", required=False)
