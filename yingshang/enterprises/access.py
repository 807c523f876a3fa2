"""The only way interfaces fetch one registry record by id: 404 for both 'missing' and 'not yours'."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from yingshang.enterprises.models import (
    Enterprise,
    EnterpriseImport,
    EnterpriseMembership,
    registry_scope_admits,
)


def get_enterprise_for_user(user, enterprise_id: int) -> Enterprise:
    """An enterprise within the user's data scope."""
    return get_object_or_404(Enterprise.objects.visible_to(user).select_related("industry", "region", "zone"),
                             pk=enterprise_id)


def check_enterprise_visible(user, enterprise_id: int, *, region_id: int | None, zone_id: int | None) -> None:
    """get_enterprise_for_user's scope check for a page that kept the enterprise's body together with its region and
    zone (as current as the body: any write to the row renews the key both are kept under): 404 unless the user may
    see it. Only an enterprise user's check needs a query (its verified memberships)."""
    admitted = registry_scope_admits(user, region_id=region_id, zone_id=zone_id)
    if admitted is None:
        admitted = Enterprise.objects.visible_to(user).filter(pk=enterprise_id).exists()
    if not admitted:
        raise Http404("No Enterprise matches the given query.")


def get_import_for_user(user, import_id: int) -> EnterpriseImport:
    """An import batch the user started, or any batch in the user's scope for administrators."""
    batches = EnterpriseImport.objects.all()
    if not user.is_superuser:
        if not user.can("enterprise.import"):
            batches = batches.none()
        elif user.scope_region is not None:
            batches = batches.filter(region=user.scope_region)
    return get_object_or_404(batches, pk=import_id)


def get_membership_for_user(user, membership_id: int) -> EnterpriseMembership:
    """A membership request on an enterprise the (verifying) user may see."""
    visible = Enterprise.objects.visible_to(user)
    return get_object_or_404(EnterpriseMembership.objects.select_related("enterprise", "user")
                             .filter(enterprise__in=visible), pk=membership_id)
