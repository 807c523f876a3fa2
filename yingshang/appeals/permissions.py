"""Permission codes of the appeal loop added to the shared role table (merged by accounts.roles)."""

from yingshang.accounts.roles import Role

EXTRA_ROLE_PERMISSIONS = {
    Role.DEPARTMENT_STAFF: {"appeal.view", "appeal.record_visit"},
    Role.DEPARTMENT_LEADER: {"appeal.view", "appeal.record_visit", "appeal.sign_off", "appeal.metrics"},
    Role.COUNTY_ADMIN: {"appeal.view", "appeal.record_visit", "appeal.sign_off", "appeal.metrics"},
    Role.CITY_ADMIN: {
        "appeal.view",
        "appeal.record_visit",
        "appeal.sign_off",
        "appeal.metrics",
        "appeal.import",
        "appeal.revisit",
    },
    Role.OPERATOR_12345: {"appeal.view", "appeal.import", "appeal.metrics", "appeal.supervise"},
    Role.LEADER: {"appeal.view", "appeal.metrics"},
}
