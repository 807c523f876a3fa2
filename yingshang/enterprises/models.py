"""The enterprise registry (经营主体库): enterprises, industries, qualifications, memberships, imports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yingshang.accounts.roles import DataScope, Role
from yingshang.core.models import Region
from yingshang.enterprises.choices import (
    CreditClass,
    EnterpriseSize,
    EnterpriseStatus,
    EntityType,
    ImportStatus,
    MembershipStatus,
)


class Industry(models.Model):
    """A GB/T 4754-2017 category (国民经济行业分类): 门类, 大类, 中类 or 小类."""

    code = models.CharField("行业代码", max_length=5, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    section = models.CharField("门类", max_length=1, db_index=True)
    sector = models.CharField("划型行业", max_length=30, blank=True, help_text="中小企业划型所用的行业")

    class Meta:
        verbose_name = verbose_name_plural = "国民经济行业分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class QualificationType(models.Model):
    """A recognised qualification or honour (资质/认定) such as 高新技术企业, with synonyms for matching."""

    code = models.SlugField("标识", max_length=40, primary_key=True)
    name = models.CharField("名称", max_length=60, unique=True)
    level = models.CharField("级别", max_length=10, blank=True)
    synonyms = models.JSONField("同义词", default=list, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "资质类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


def registry_scope(user) -> tuple[str, Region | None]:
    """Which enterprises `user` may see: ("all", None), ("region", its region: enterprises registered or zoned
    there), ("member", None: the user's verified memberships) or ("none", None). The one rule behind `visible_to`."""
    if not user.is_authenticated or not user.is_active:
        return "none", None
    if user.is_superuser:
        return "all", None
    if user.role == Role.ENTERPRISE:
        return "member", None
    if user.data_scope == DataScope.SELF or not user.can("enterprise.view"):
        return "none", None
    region = user.scope_region
    return ("all", None) if region is None else ("region", region)


def registry_scope_key(user) -> str:
    """Equal for two viewers only if `visible_to` gives them the same enterprises (for page parts they share)."""
    kind, region = registry_scope(user)
    if kind == "region":
        return f"region:{region.pk}"
    return f"member:{user.pk}" if kind == "member" else kind


def registry_scope_admits(user, *, region_id: int | None, zone_id: int | None) -> bool | None:
    """Whether `visible_to(user)` includes an enterprise registered in `region_id` and zoned in `zone_id`; None when
    that depends on other rows (an enterprise user's verified memberships)."""
    kind, region = registry_scope(user)
    if kind == "member":
        return None
    if kind == "region":
        return region.pk in (region_id, zone_id)
    return kind == "all"


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnterpriseQuerySet:
        """Enterprises `user` may see: city-wide roles all, county staff their county, enterprises their own."""
        kind, region = registry_scope(user)
        if kind == "all":
            return self
        if kind == "member":
            return self.filter(memberships__user=user, memberships__status=MembershipStatus.VERIFIED)
        if kind == "region":
            return self.filter(Q(region=region) | Q(zone=region))
        return self.none()

    def active(self) -> EnterpriseQuerySet:
        return self.filter(status=EnterpriseStatus.ACTIVE)


class Enterprise(models.Model):
    """A market entity (经营主体) identified by its 统一社会信用代码."""

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    entity_type = models.CharField("主体类型", max_length=12, choices=EntityType.choices, default=EntityType.ENTERPRISE)
    industry = models.ForeignKey(Industry, verbose_name="国民经济行业", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="enterprises")
    # Indexed by enterprise_section_idx (industry_section, -id); a single-column index would only slow writes.
    industry_section = models.CharField("行业门类", max_length=1, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("登记状态", max_length=10, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.ACTIVE)
    region = models.ForeignKey(Region, verbose_name="所属县区", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="enterprises", db_index=False)  # enterprise_region_status_idx covers it
    zone = models.ForeignKey(Region, verbose_name="所在园区", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="zone_enterprises")
    address = models.CharField("住所", max_length=300, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    employees = models.PositiveIntegerField("从业人员（人）", null=True, blank=True)
    revenue_10k = models.DecimalField("营业收入（万元）", max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets_10k = models.DecimalField("资产总额（万元）", max_digits=16, decimal_places=2, null=True, blank=True)
    registered_capital_10k = models.DecimalField("注册资本（万元）", max_digits=16, decimal_places=2, null=True,
                                                 blank=True)
    foreign_invested = models.BooleanField("外商投资企业", default=False)
    above_scale = models.BooleanField("规模以上", default=False)
    tags = models.JSONField("标签", default=list, blank=True)
    credit_class = models.CharField("信用等级", max_length=1, choices=CreditClass.choices, blank=True, default="")
    size = models.CharField("企业规模", max_length=8, choices=EnterpriseSize.choices, default=EnterpriseSize.UNKNOWN)
    # (size is indexed by enterprise_size_idx (size, -id).)
    size_reason = models.CharField("规模判定依据", max_length=300, blank=True)
    # field name → {"source": ..., "by": ..., "at": ISO time}: where each fact came from.
    provenance = models.JSONField("数据来源", default=dict, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "经营主体"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "status", "-id"], name="enterprise_region_status_idx"),
            models.Index(fields=["industry_section", "-id"], name="enterprise_section_idx"),
            models.Index(fields=["size", "-id"], name="enterprise_size_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseQualification(models.Model):
    """A qualification held by an enterprise, with its dates (e.g. 高新技术企业 2024-12-01 → 2027-11-30)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="qualifications")
    qualification = models.ForeignKey(QualificationType, verbose_name="资质", on_delete=models.PROTECT,
                                      related_name="holders")
    obtained_on = models.DateField("认定日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    source = models.CharField("来源", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业资质"
        constraints = [models.UniqueConstraint(fields=["enterprise", "qualification"], name="qualification_once")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.qualification}"


class EnterpriseMembership(models.Model):
    """A user acting for an enterprise (企业账号绑定), effective only after staff verify it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField("状态", max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING)
    position = models.CharField("职务", max_length=50, blank=True)
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业账号绑定"
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="membership_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class EnterpriseImport(models.Model):
    """One upload of an enterprise spreadsheet and its row-level report (导入批次)."""

    file = models.FileField("文件", upload_to="imports/enterprises/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    dry_run = models.BooleanField("仅校验", default=False)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField("总行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    rejected_count = models.PositiveIntegerField("拒绝", default=0)
    rejected = models.JSONField("拒绝明细", default=list, blank=True)
    warnings = models.JSONField("提示", default=list, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="上传者的管辖区域：县区只能导入本县区的主体")
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "主体导入批次"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"

    @property
    def progress_percent(self) -> int:
        return 100 if self.status == ImportStatus.DONE else int(100 * self.processed_rows / max(self.total_rows, 1))
