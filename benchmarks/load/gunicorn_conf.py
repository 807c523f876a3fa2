"""gunicorn settings for the load benchmark: load the application once in the master, import every view (Django
loads the URLconf lazily, on the first request of each worker — seconds of imports), then fork the workers."""

preload_app = True
worker_class = "sync"
timeout = 60


def when_ready(server):
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing every view module before the workers fork
