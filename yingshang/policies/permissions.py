"""Permission codes the policy supermarket adds to the role table (merged by accounts.roles)."""

from yingshang.accounts.roles import Role

EXTRA_ROLE_PERMISSIONS = {
    Role.CITY_ADMIN: {"policy.disburse", "policy.evaluate", "policy.assign_guide", "policy.guide"},
    Role.DEPARTMENT_LEADER: {"policy.disburse", "policy.evaluate", "policy.guide"},
    Role.DEPARTMENT_STAFF: {"policy.guide"},
    Role.COUNTY_ADMIN: {"policy.evaluate", "policy.assign_guide", "policy.guide"},
    Role.LEADER: {"policy.evaluate"},
}
