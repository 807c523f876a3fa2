"""Forms of the appeal pages: filing (enterprise, public, operator), 12345 import, visits."""

from __future__ import annotations

import datetime as dt

from django import forms

from yingshang.appeals.choices import AppealKind, RequesterType, Urgency, VisitKind
from yingshang.appeals.models import AppealCategory
from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Region


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the view reads them from request.FILES and the service checks them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return super().clean(data, initial)


class AppealForm(forms.Form):
    """诉求登记: the fields every channel shares."""

    category = forms.ModelChoiceField(
        label="诉求类别",
        queryset=AppealCategory.objects.filter(is_active=True),
        empty_label="请选择",
        error_messages={"invalid_choice": "诉求类别不存在。", "required": "请选择诉求类别。"},
    )
    title = forms.CharField(label="标题（可不填）", max_length=100, required=False)
    description = forms.CharField(
        label="诉求内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": "请填写诉求内容。", "max_length": "诉求内容不超过 4000 字。"},
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    address = forms.CharField(label="地点（可不填）", max_length=200, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    attachments = MultipleFileField(
        label="附件（PDF/图片/Word/Excel，单个不超过 10 MB，最多 5 个）", required=False
    )
    client_key = forms.CharField(widget=forms.HiddenInput, required=False)


class EnterpriseAppealForm(AppealForm):
    enterprise = forms.ChoiceField(label="以哪家企业名义提交", required=False)
    policy_clause_title = forms.CharField(
        label="涉及的政策或审批事项（可不填）", max_length=200, required=False
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", "以个人身份提交")] + [
            (str(e.pk), e.name) for e in enterprises
        ]


class PublicAppealForm(AppealForm):
    anonymous = forms.BooleanField(label="匿名提交（将无法电话回访，请保存查询链接）", required=False)
    region = forms.ModelChoiceField(
        label="所在县区", queryset=Region.objects.exclude(kind="city"), required=False, empty_label="不确定"
    )
    enterprise_name = forms.CharField(label="企业名称（可不填）", max_length=200, required=False)
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        label="请勿填写",
    )  # honeypot against bots
    captcha_answer = forms.CharField(
        label="验证码",
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    captcha_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, with_captcha: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_captcha = with_captcha
        if with_captcha and not self.is_bound:
            self.new_challenge()
        elif not with_captcha:
            del self.fields["captcha_answer"], self.fields["captcha_token"]

    def new_challenge(self) -> None:
        """Ask a fresh question (on every render: a solved or failed token is never asked again)."""
        from yingshang.appeals import captcha

        challenge = captcha.new_challenge()
        self.fields["captcha_answer"].label = f"验证码：{challenge.question}"
        self.fields["captcha_token"].initial = challenge.token
        if self.is_bound:
            self.data = self.data.copy()
            self.data["captcha_token"], self.data["captcha_answer"] = challenge.token, ""
            for name in (
                "captcha_token",
                "captcha_answer",
            ):  # bound fields cache the data they were cleaned with
                self._bound_fields_cache.pop(name, None)

    def clean(self):
        from yingshang.appeals import captcha

        data = super().clean()
        if self.with_captcha and not self.errors:
            try:
                captcha.check(self.data.get("captcha_token", ""), self.data.get("captcha_answer", ""))
            except captcha.CaptchaError as exc:
                self.add_error("captcha_answer", str(exc))
        return data


class OperatorIntakeForm(AppealForm):
    requester_type = forms.ChoiceField(label="诉求人类型", choices=RequesterType.choices)
    credit_code = forms.CharField(label="企业统一社会信用代码（可不填）", max_length=18, required=False)
    region = forms.ModelChoiceField(
        label="所在县区",
        queryset=Region.objects.exclude(kind="city"),
        required=False,
        empty_label="市本级/不确定",
    )
    external_id = forms.CharField(label="12345 工单号（可不填）", max_length=40, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="12345 工单表（.xlsx 或 .csv）")


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=VisitKind.choices)
    title = forms.CharField(label="活动名称", max_length=100)
    visited_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    credit_code = forms.CharField(label="走访企业统一社会信用代码（可不填）", max_length=18, required=False)
    region = forms.ModelChoiceField(
        label="县区", queryset=Region.objects.exclude(kind="city"), required=False, empty_label="市本级"
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    summary = forms.CharField(label="情况记录", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    contact_name = forms.CharField(label="企业联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)


class CategoryForm(forms.Form):
    """市营商管理员 edits a category (诉求类别)."""

    name = forms.CharField(label="类别名称", max_length=60, error_messages={"required": "请填写类别名称。"})
    description = forms.CharField(label="说明", max_length=300, required=False)
    keywords = forms.CharField(
        label="关键词（用顿号或逗号分隔，用于派单建议）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    function_key = forms.CharField(
        label="默认承办职能（如 market）", max_length=40, error_messages={"required": "请填写默认承办职能。"}
    )
    is_active = forms.BooleanField(label="启用", required=False)

    def keyword_list(self) -> list[str]:
        import re

        return [k for k in re.split(r"[、,，;；\s]+", self.cleaned_data["keywords"]) if k]


class SlaRuleForm(forms.Form):
    """A new time-limit rule (时限规则) or a new version of one, effective from a date."""

    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label="类别（空为全部）",
        queryset=AppealCategory.objects.all(),
        required=False,
        empty_label="全部类别",
    )
    kind = forms.ChoiceField(label="诉求类型", choices=[("", "全部"), *AppealKind.choices], required=False)
    urgency = forms.ChoiceField(label="紧急程度", choices=[("", "全部"), *Urgency.choices], required=False)
    requester_type = forms.ChoiceField(
        label="诉求人类型", choices=[("", "全部"), *RequesterType.choices], required=False
    )
    sign_hours = forms.DecimalField(
        label="签收时限（工作小时）",
        max_digits=6,
        decimal_places=2,
        error_messages={"required": "请填写签收时限。", "invalid": "签收时限应为数字。"},
    )
    contact_hours = forms.DecimalField(
        label="先行联系时限（工作小时）",
        max_digits=6,
        decimal_places=2,
        error_messages={"required": "请填写先行联系时限。", "invalid": "先行联系时限应为数字。"},
    )
    reply_days = forms.DecimalField(
        label="答复时限（工作日）",
        max_digits=6,
        decimal_places=2,
        error_messages={"required": "请填写答复时限。", "invalid": "答复时限应为数字。"},
    )
    reply_hours = forms.DecimalField(
        label="紧急诉求答复时限（工作小时）",
        max_digits=6,
        decimal_places=2,
        required=False,
        error_messages={"invalid": "答复时限应为数字。"},
    )
    note = forms.CharField(label="依据", max_length=200, required=False)
    effective_from = forms.DateField(
        label="生效日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写生效日期。", "invalid": "生效日期格式应为 YYYY-MM-DD。"},
    )


# -- dispatch catalogue (派单目录) ------------------------------------------------------------------


def _date_field(value: str, *, label: str, required: bool) -> dt.date | None:
    if not (value or "").strip():
        if required:
            raise BusinessRuleError(f"请填写{label}。", field=label)
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise BusinessRuleError(f"{label}“{value}”格式应为 YYYY-MM-DD。", field=label) from exc


def _int_field(value: str, *, label: str) -> int:
    try:
        number = int((value or "").strip())
    except ValueError as exc:
        raise BusinessRuleError(f"{label}应为编号（整数）。", field=label) from exc
    if not 0 < number < 2**31:
        raise BusinessRuleError(f"{label}超出范围。", field=label)
    return number


def parse_dispatch_line(data) -> dict:
    """A posted 派单目录 line → the arguments of `services.add_dispatch_route` (plus `category_id`); a bad field
    raises BusinessRuleError with the Chinese reason the page shows."""
    return {
        "category_id": _int_field(data.get("category"), label="类别"),
        "region_code": (data.get("region") or "").strip(),
        "department_id": _int_field(data.get("department"), label="承办单位"),
        "effective_from": _date_field(data.get("effective_from"), label="生效日期", required=True),
        "effective_until": _date_field(data.get("effective_until"), label="失效日期", required=False),
    }


def parse_dispatch_close(data) -> tuple[int, dt.date]:
    """A posted "end this line" form → (line id, last valid day)."""
    until = _date_field(data.get("effective_until"), label="失效日期", required=True)
    assert until is not None  # required=True
    return _int_field(data.get("route_id"), label="目录行"), until

