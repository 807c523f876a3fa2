"""Login, logout, password change."""

from tests.access.matrix import ALLOW, SIGNED_IN, Case, expect

CASES = {
    # Signed-in users are redirected to their home; everyone may see the form.
    "accounts:login": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "accounts:logout": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW), method="post")],
    "accounts:password_change": [Case(expect(allow=SIGNED_IN))],
}
