"""Permission codes of the plans app added to roles (merged into accounts.roles.ROLE_PERMISSIONS)."""

from yingshang.accounts.roles import Role

EXTRA_ROLE_PERMISSIONS = {
    Role.CITY_ADMIN: {"plan.assess"},
    Role.LEADER: {"plan.assess"},
    Role.COUNTY_ADMIN: {"plan.assess"},
}
