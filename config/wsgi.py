import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Load the URLconf and every view now, not on the first request (each worker's first request was 8–15 s).
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
