"""Extra monitoring permissions merged into the role table (accounts.roles)."""

from yingshang.accounts.roles import Role

# Department staff see the dashboard read-only (their own values stay scoped by visible_to).
EXTRA_ROLE_PERMISSIONS = {
    Role.DEPARTMENT_STAFF: {"monitoring.view"},
}
