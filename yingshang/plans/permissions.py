"""Permission codes of the plans app added to roles (merged into accounts.roles.ROLE_PERMISSIONS)."""

from yingshang.accounts.roles import Role

EXTRA_ROLE_PERMISSIONS = {
    # The city office computes, signs off (签发) and weighs the quarterly assessment and annual evaluation.
    Role.CITY_ADMIN: {"plan.assess", "plan.sign_assessment"},
    Role.LEADER: {"plan.assess"},
    Role.COUNTY_ADMIN: {"plan.assess"},
}
