"""The only way interfaces fetch one registry record by id: 404 for both 'missing' and 'not yours'."""

from django.shortcuts import get_object_or_404

from yingshang.enterprises.models import Enterprise, EnterpriseImport, EnterpriseMembership


def get_enterprise_for_user(user, enterprise_id: int) -> Enterprise:
    """An enterprise within the user's data scope."""
    return get_object_or_404(Enterprise.objects.visible_to(user).select_related("industry", "region", "zone"),
                             pk=enterprise_id)


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
