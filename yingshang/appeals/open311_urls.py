"""Open311 GeoReport v2 endpoints under /open311/v2/ (format by suffix: .json or .xml)."""

from django.urls import re_path

from yingshang.appeals import open311

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="open311_discovery"),
    re_path(r"^services" + FMT, open311.service_list, name="open311_services"),
    re_path(r"^services/(?P<code>[^/]+?)" + FMT, open311.service_definition, name="open311_service"),
    re_path(r"^requests" + FMT, open311.requests_view, name="open311_requests"),
    re_path(r"^requests/(?P<request_id>[^/]+?)" + FMT, open311.request_detail, name="open311_request"),
    re_path(r"^servicerequestupdates" + FMT, open311.request_updates, name="open311_request_updates"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, open311.token_view, name="open311_token"),
    re_path(r"^(?P<path>.*)$", open311.unknown, name="open311_invalid"),
]
