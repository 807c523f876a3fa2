"""Settings for pytest: config.settings with YINGSHANG_TESTING on (immediate task backend, fast password hashes).

pytest-django imports the settings before the root conftest runs, so the flag must be set here, not there; this
makes a plain `pytest …` behave exactly like `make test` (which exports the flag too).
"""

import os

os.environ.setdefault("YINGSHANG_TESTING", "1")

from config.settings import *  # noqa: E402,F403
