"""Portal, role homes, workbench, dashboard, notifications, audit trail, departments."""

from tests.access.matrix import ALLOW, FORBIDDEN, GOVERNMENT, SIGNED_IN, Case, expect

CASES = {
    "core:portal": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "core:home": [Case(expect(allow=SIGNED_IN))],  # a redirect to the role's own home
    "core:workspace": [Case(expect(allow=SIGNED_IN))],
    "core:workbench": [Case(expect(allow=GOVERNMENT, otherwise=FORBIDDEN))],
    "core:dashboard": [Case(expect(allow={"city_admin", "leader"}, otherwise=FORBIDDEN))],
    "core:notifications": [Case(expect(allow=SIGNED_IN))],
    "core:notifications_read": [Case(expect(allow=SIGNED_IN), method="post")],
    "core:audit_trail": [Case(expect(allow={"city_admin", "gz_admin", "lz_admin"}, otherwise=FORBIDDEN))],
    "core:departments": [Case(expect(allow=GOVERNMENT, otherwise=FORBIDDEN))],
}
