"""Portal, role homes, workbench, admin dashboard, messages, audit trail, calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yingshang.accounts.roles import Role
from yingshang.core import selectors
from yingshang.core.models import AuditEvent, Department
from yingshang.core.page_cache import kept_whole
from yingshang.core.permissions import permission_required


@kept_whole
def portal(request):
    """Public home of the platform (门户首页)."""
    return render(request, "core/portal.html", {"counties": selectors.service_area_names()})


@login_required
def home(request):
    """Send each role to its own home."""
    user = request.user
    if user.role in (Role.ENTERPRISE, Role.EXPERIENCE_OFFICER) and not user.is_superuser:
        return redirect("core:workspace")
    if user.can("admin.dashboard"):
        return redirect("core:dashboard")
    return redirect("core:workbench")


@login_required
@kept_whole
def workspace(request):
    """Enterprise workspace (企业空间): my enterprises, my matters."""
    memberships = request.user.enterprise_memberships.select_related("enterprise", "enterprise__region")
    return render(request, "core/workspace.html", {"memberships": memberships})


@permission_required("workbench.view")
@kept_whole
def workbench(request):
    """Staff workbench (工作台): what needs my attention."""
    return render(request, "core/workbench.html", {"warning": _calendar_warning_for(request.user)})


@permission_required("admin.dashboard")
@kept_whole
def dashboard(request):
    """Administrators' and leaders' overview shell (管理驾驶舱)."""
    from yingshang.enterprises.selectors import registry_overview

    overview = registry_overview(request.user)
    return render(request, "core/dashboard.html",
                  {"overview": overview, "warning": _calendar_warning_for(request.user)})


def _calendar_warning_for(user) -> str:
    return selectors.calendar_warning(timezone.localdate()) if user.can("calendar.edit") else ""


@login_required
def notifications(request):
    page = Paginator(request.user.notifications.all(), 20).get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read(request):
    request.user.notifications.unread().update(read_at=timezone.now())
    return redirect("core:notifications")


@permission_required("audit.view")
def audit_trail(request):
    """The audit trail (审计记录), filterable by actor, action, object and date; county admins see their county."""
    events = AuditEvent.objects.all()
    region = request.user.scope_region
    if region is not None and not request.user.is_superuser:
        events = events.filter(region_code=region.code)
    filters = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object_type", "object_id", "since",
                                                             "until")}
    if filters["actor"]:
        events = events.filter(actor_label__icontains=filters["actor"])
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        events = events.filter(object_id=filters["object_id"])
    for key, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        try:
            if filters[key]:
                events = events.filter(**{lookup: dt.date.fromisoformat(filters[key])})
        except ValueError:
            filters[key] = ""
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    object_types = AuditEvent.objects.order_by().values_list("object_type", flat=True).distinct()[:50]
    return render(request, "core/audit_trail.html", {"page": page, "filters": filters, "object_types": object_types})


@permission_required("workbench.view")
def departments(request):
    """The department tree (部门), indented by depth."""
    return render(request, "core/departments.html",
                  {"departments": Department.objects.select_related("region").order_by("path")})


def csrf_failure(request, reason=""):
    """CSRF failures get a Chinese page explaining what to do (403)."""
    return render(request, "403_csrf.html", status=403)
