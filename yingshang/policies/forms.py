"""Forms of the policy supermarket: import, clause review, calculator, declaration, application, decisions."""

from __future__ import annotations

from django import forms

from yingshang.core.models import Department, Region
from yingshang.enterprises.models import QualificationType
from yingshang.policies import taxonomy
from yingshang.policies.choices import BenefitType, ContactChannel, DeliveryMode, PolicyLevel, RatingStage
from yingshang.policies.rules import SIZES

SIZE_CHOICES = list(SIZES.items())
TAG_CHOICES = [(t, t) for t in taxonomy.CHARACTERISTIC_INDUSTRIES]
TOPIC_CHOICES = [(t, t) for t in taxonomy.TOPICS]
SUPPORT_CHOICES = [(t, t) for t in taxonomy.SUPPORT_TYPES]


def _qualification_choices():
    return [(q.code, q.name) for q in QualificationType.objects.all()]


def _region_choices():
    return [(r.code, r.name) for r in Region.objects.all()]


class DocumentImportForm(forms.Form):
    """Upload a file or paste the text; metadata the reviewer knows."""

    title = forms.CharField(label="政策标题", max_length=300)
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    issuer = forms.CharField(label="发文机关", max_length=200, required=False)
    level = forms.ChoiceField(label="层级", choices=PolicyLevel.choices, initial=PolicyLevel.CITY)
    region = forms.ModelChoiceField(label="适用区域", queryset=Region.objects.all(), required=False)
    effective_on = forms.DateField(
        label="施行日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source_url = forms.URLField(label="原文链接", required=False)
    budget_yuan = forms.IntegerField(label="兑现预算（元）", required=False, min_value=0)
    tags = forms.MultipleChoiceField(
        label="适用特色产业", choices=TAG_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    file = forms.FileField(label="原文文件（TXT / DOCX / PDF）", required=False)
    text = forms.CharField(label="或直接粘贴正文", required=False, widget=forms.Textarea(attrs={"rows": 8}))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传原文文件或粘贴正文。")
        return data


class ClauseReviewForm(forms.Form):
    """The reviewer's corrections of one clause: structured rules, one or two benefits, how to apply."""

    title = forms.CharField(label="条款名称", max_length=200)
    topic = forms.ChoiceField(label="主题", choices=TOPIC_CHOICES)
    support_types = forms.MultipleChoiceField(
        label="支持方式", choices=SUPPORT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    delivery_mode = forms.ChoiceField(label="兑现方式", choices=DeliveryMode.choices)
    qualifications_any = forms.MultipleChoiceField(
        label="资质（具备其一）", required=False, widget=forms.CheckboxSelectMultiple
    )
    industries = forms.CharField(label="行业（GB/T 4754 门类字母或代码前缀，逗号分隔）", required=False)
    tags_any = forms.MultipleChoiceField(
        label="特色产业", choices=TAG_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    sizes = forms.MultipleChoiceField(
        label="企业规模", choices=SIZE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.MultipleChoiceField(
        label="所在县区/园区", required=False, widget=forms.CheckboxSelectMultiple
    )
    min_age_years = forms.DecimalField(label="成立满（年）", required=False)
    max_age_years = forms.DecimalField(label="成立不超过（年）", required=False)
    min_employees = forms.IntegerField(label="从业人员不少于", required=False)
    max_employees = forms.IntegerField(label="从业人员不超过", required=False)
    min_revenue_10k = forms.DecimalField(label="营业收入不低于（万元）", required=False)
    max_revenue_10k = forms.DecimalField(label="营业收入不超过（万元）", required=False)
    min_rd_ratio = forms.DecimalField(label="研发费用占比不低于（%）", required=False)
    min_tax_paid_10k = forms.DecimalField(label="上年纳税不少于（万元）", required=False)
    above_scale = forms.BooleanField(label="须为规模以上企业", required=False)
    exclude_credit = forms.BooleanField(label="排除失信主体（信用 C/D 类）", required=False, initial=True)
    exclude_already_benefited = forms.BooleanField(label="已享受本条款的不再享受", required=False)
    manual_conditions = forms.CharField(
        label="需人工核实的条件（每行一项；平台无法自动判断，企业需提供证明材料）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    benefit_type = forms.ChoiceField(label="兑现内容·类型", choices=BenefitType.choices)
    max_amount_yuan = forms.CharField(label="最高金额（元）", required=False)
    ratio = forms.CharField(label="比例（0–1）", required=False)
    cap_yuan = forms.CharField(label="封顶（元）", required=False)
    per_year_limit_yuan = forms.CharField(label="每年上限（元）", required=False)
    application_opens_on = forms.DateField(
        label="申报开始", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    application_closes_on = forms.DateField(
        label="申报截止", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    materials = forms.CharField(
        label="申报材料（每行一项；行首加“（选）”表示非必需）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    handling_department = forms.ModelChoiceField(
        label="受理部门", queryset=Department.objects.all(), required=False
    )
    contact = forms.CharField(label="咨询电话", max_length=100, required=False)
    service_days = forms.IntegerField(
        label="承诺办理时限（工作日）", required=False, min_value=1, max_value=120
    )
    allows_missing_materials = forms.BooleanField(label="支持容缺受理", required=False)
    allows_commitment = forms.BooleanField(label="支持承诺制", required=False)
    confirm = forms.BooleanField(label="我已核对原文，确认以上解读", required=False)

    NUMBER_RULES = (
        "min_age_years",
        "max_age_years",
        "min_employees",
        "max_employees",
        "min_revenue_10k",
        "max_revenue_10k",
        "min_rd_ratio",
        "min_tax_paid_10k",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualifications_any"].choices = _qualification_choices()
        self.fields["regions"].choices = _region_choices()

    @classmethod
    def initial_for(cls, clause) -> dict:
        rules = clause.rules
        benefit = clause.benefits.first()
        initial = {
            "title": clause.title,
            "topic": clause.topic or "其他",
            "support_types": clause.support_types,
            "delivery_mode": clause.delivery_mode,
            "industries": ",".join(rules.get("industries", [])),
            "above_scale": rules.get("above_scale", False),
            "exclude_credit": bool(rules.get("exclude_credit_classes")),
            "exclude_already_benefited": rules.get("exclude_already_benefited", False),
            "manual_conditions": "\n".join(rules.get("manual_conditions", [])),
            "application_opens_on": clause.application_opens_on,
            "application_closes_on": clause.application_closes_on,
            "materials": "\n".join(
                ("" if m.get("required", True) else "（选）") + m["name"] for m in clause.materials
            ),
            "handling_department": clause.handling_department_id,
            "contact": clause.contact,
            "service_days": clause.service_days,
            "allows_missing_materials": clause.allows_missing_materials,
            "allows_commitment": clause.allows_commitment,
        }
        for key in ("qualifications_any", "tags_any", "sizes", "regions", *cls.NUMBER_RULES):
            if key in rules:
                initial[key] = rules[key]
        if benefit:
            initial.update(
                benefit_type=benefit.benefit_type,
                max_amount_yuan=benefit.max_amount_yuan or "",
                ratio=benefit.ratio or "",
                cap_yuan=benefit.cap_yuan or "",
                per_year_limit_yuan=benefit.per_year_limit_yuan or "",
            )
        return initial

    def rules(self) -> dict:
        data = self.cleaned_data
        rules: dict = {
            key: data[key] for key in ("qualifications_any", "tags_any", "sizes", "regions") if data[key]
        }
        if data["industries"].strip():
            rules["industries"] = data["industries"]
        for key in self.NUMBER_RULES:
            if data[key] is not None:
                rules[key] = float(data[key])
        if data["above_scale"]:
            rules["above_scale"] = True
        if data["exclude_credit"]:
            rules["exclude_credit_classes"] = ["C", "D"]
        if data["exclude_already_benefited"]:
            rules["exclude_already_benefited"] = True
        if data["manual_conditions"].strip():
            rules["manual_conditions"] = data["manual_conditions"]
        return rules

    def benefits(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "benefit_type": data["benefit_type"],
                "max_amount_yuan": data["max_amount_yuan"],
                "ratio": data["ratio"],
                "cap_yuan": data["cap_yuan"],
                "per_year_limit_yuan": data["per_year_limit_yuan"],
            }
        ]

    def material_items(self) -> list[dict]:
        items = []
        for line in self.cleaned_data["materials"].splitlines():
            line = line.strip()
            if not line:
                continue
            optional = line.startswith("（选）")
            items.append({"name": line.removeprefix("（选）").strip()[:100], "required": not optional})
        return items

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "topic": data["topic"],
            "support_types": data["support_types"],
            "delivery_mode": data["delivery_mode"],
            "rules": self.rules(),
            "materials": self.material_items(),
            "application_opens_on": data["application_opens_on"],
            "application_closes_on": data["application_closes_on"],
            "handling_department": data["handling_department"],
            "contact": data["contact"],
            "service_days": data["service_days"],
            "allows_missing_materials": data["allows_missing_materials"],
            "allows_commitment": data["allows_commitment"],
        }


class CalculatorForm(forms.Form):
    """政策计算器: a visitor answers a few questions; nothing is stored."""

    region = forms.ChoiceField(label="所在县区", required=False)
    industry_section = forms.ChoiceField(label="所属行业门类", required=False)
    tags = forms.MultipleChoiceField(
        label="特色产业", choices=TAG_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    size = forms.ChoiceField(label="企业规模", choices=[("", "不清楚")] + SIZE_CHOICES, required=False)
    entity_type = forms.ChoiceField(
        label="主体类型",
        choices=[
            ("", "不清楚"),
            ("enterprise", "企业"),
            ("individual", "个体工商户"),
            ("cooperative", "农民专业合作社"),
        ],
        required=False,
    )
    age_years = forms.DecimalField(label="成立年限（年）", required=False, min_value=0, max_value=200)
    employees = forms.IntegerField(label="从业人员（人）", required=False, min_value=0)
    revenue_10k = forms.DecimalField(label="上年营业收入（万元）", required=False, min_value=0)
    rd_ratio = forms.DecimalField(
        label="研发费用占营业收入比例（%）", required=False, min_value=0, max_value=100
    )
    tax_paid_10k = forms.DecimalField(label="上年纳税额（万元）", required=False, min_value=0)
    qualifications = forms.MultipleChoiceField(
        label="已有资质", required=False, widget=forms.CheckboxSelectMultiple
    )
    not_dishonest = forms.BooleanField(
        label="本企业未被列为失信主体（信用 C/D 类）", required=False, initial=True
    )
    qualifications_known = forms.BooleanField(
        label="以上资质已全部勾选（未勾选的即没有）", required=False, initial=True
    )

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["qualifications"].choices = _qualification_choices()
        self.fields["region"].choices = [("", "不清楚")] + [
            (r.code, r.name) for r in Region.objects.exclude(kind="city")
        ]
        self.fields["industry_section"].choices = [("", "不清楚")] + list(sections)


class DeclarationForm(forms.Form):
    rd_ratio = forms.DecimalField(
        label="研发费用占营业收入比例（%）", required=False, min_value=0, max_value=100
    )
    tax_paid_10k = forms.DecimalField(label="上年纳税额（万元）", required=False, min_value=0)


class PushPreferenceForm(forms.Form):
    """推送设置: SMS/e-mail besides in-app messages; an address left empty keeps the stored one (shown masked)."""

    sms = forms.BooleanField(label="短信推送", required=False)
    email = forms.BooleanField(label="邮件推送", required=False)
    phone = forms.CharField(
        label="接收短信的手机号",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="留空则沿用已保存的号码",
    )
    email_address = forms.CharField(
        label="接收邮件的地址",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="留空则沿用已保存的地址",
    )
    topics = forms.MultipleChoiceField(
        label="关注的主题（短信、邮件只推送这些主题；不选 = 全部）",
        choices=TOPIC_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_types = forms.MultipleChoiceField(
        label="关注的支持方式（不选 = 全部）",
        choices=SUPPORT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label="审核操作",
        choices=[("accept", "受理"), ("return", "退回补正"), ("approve", "通过"), ("reject", "不予通过")],
    )
    amount_yuan = forms.IntegerField(label="核定金额（元）", required=False, min_value=0)
    reason = forms.CharField(label="意见/原因", max_length=500, required=False)


class RatingForm(forms.Form):
    stage = forms.ChoiceField(label="评价环节", choices=RatingStage.choices)
    score = forms.TypedChoiceField(
        label="评分", coerce=int, choices=[(i, f"{i} 分") for i in range(5, 0, -1)]
    )
    comment = forms.CharField(label="意见", max_length=500, required=False)


class GuideAssignForm(forms.Form):
    enterprise_id = forms.IntegerField(label="企业编号")
    guide = forms.ModelChoiceField(label="导办员", queryset=None)

    def __init__(self, *args, guides=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guide"].queryset = guides


class ContactForm(forms.Form):
    channel = forms.ChoiceField(label="方式", choices=ContactChannel.choices)
    note = forms.CharField(label="内容", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
