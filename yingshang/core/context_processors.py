"""Values every template needs: platform branding, the city, unread message count."""

import functools

from django.conf import settings
from django.core.cache import caches

from yingshang.core.models import Region
from yingshang.core.selectors import unread_notification_count


def platform(request):
    cache = caches["local"]
    city_name = cache.get("platform_city_name")
    if city_name is None:
        city = Region.objects.filter(kind="city").only("name").first()
        city_name = city.name if city else ""
        cache.set("platform_city_name", city_name, 300)
    brand = settings.YINGSHANG_PLATFORM_NAME or (f"金{city_name.removesuffix('市')}营商" if city_name else "营商平台")
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Loaded with the user (accounts.tokens.user_with_scope) on a page view; asked for otherwise.
        unread = getattr(user, "unread_notifications_at_load", None)
        if unread is None:
            unread = unread_notification_count(user.pk)
    nav: object = []
    nav_html = ""
    if user is not None and user.is_authenticated:
        from yingshang.core.navigation import items_for, links_html

        nav = functools.partial(items_for, user)  # built only by a page that lists the menu (工作台)
        nav_html = links_html(user)
    return {"platform_name": brand, "city_name": city_name, "unread_notifications": unread, "nav_items": nav,
            "nav_html": nav_html, "chrome": chrome_urls()}


@functools.cache
def chrome_urls() -> dict[str, str]:
    """The addresses every page's frame links to (stylesheet, scripts, portal, messages, log in and out), resolved
    once per process: they change only with a deploy, and {% static %} and {% url %} cost ~0.3 ms per page."""
    from django.templatetags.static import static
    from django.urls import reverse

    return {"css": static("css/app.css"), "htmx": static("vendor/htmx/htmx.min.js"), "js": static("js/app.js"),
            "portal": reverse("core:portal"), "notifications": reverse("core:notifications"),
            "login": reverse("accounts:login"), "logout": reverse("accounts:logout")}
