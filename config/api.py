"""The whole API map on one screen: /api/v1/ (django-ninja), one router per app."""

from ninja import NinjaAPI

from yingshang.core.api_support import TokenAuth, install_error_handlers, session_or_token

api = NinjaAPI(
    title="营商平台 API",
    version="1.0.0",
    description="金张掖营商平台开放接口。页面使用会话认证，外部系统使用令牌（Authorization: Bearer <token>）。",
    urls_namespace="api-v1",
    auth=session_or_token(),
)
install_error_handlers(api)

from yingshang.appeals.api import router as appeals_router  # noqa: E402
from yingshang.enterprises.api import router as enterprises_router  # noqa: E402
from yingshang.monitoring.api import router as monitoring_router  # noqa: E402
from yingshang.plans.api import router as plans_router  # noqa: E402
from yingshang.policies.api import router as policies_router  # noqa: E402

api.add_router("/enterprises", enterprises_router)
api.add_router("/policies", policies_router)
api.add_router("/appeals", appeals_router)
api.add_router("/plans", plans_router)
api.add_router("/monitoring", monitoring_router)

__all__ = ["api", "TokenAuth"]
