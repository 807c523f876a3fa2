from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.api import api

admin.site.site_header = "营商平台管理后台"
admin.site.site_title = "营商平台"
admin.site.index_title = "参考数据与系统管理"

urlpatterns = [
    path("", include("yingshang.core.urls")),
    path("accounts/", include("yingshang.accounts.urls")),
    path("enterprises/", include("yingshang.enterprises.urls")),
    path("policies/", include("yingshang.policies.urls")),
    path("appeals/", include("yingshang.appeals.urls")),
    path("plans/", include("yingshang.plans.urls")),
    path("monitoring/", include("yingshang.monitoring.urls")),
    path("open311/v2/", include("yingshang.appeals.open311_urls")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)


def not_found(request, exception=None):
    """404: JSON in the API's error shape under /api/, the Chinese page elsewhere."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"detail": "未找到该接口或记录。", "code": "not_found", "errors": []}, status=404,
                            content_type="application/json; charset=utf-8",
                            json_dumps_params={"ensure_ascii": False})
    from django.shortcuts import render

    from yingshang.core.errors import ExplainedNotFound

    hint = str(exception) if isinstance(exception, ExplainedNotFound) else ""
    return render(request, "404.html", {"hint": hint}, status=404)


handler404 = not_found
