"""Django admin (/django-admin/) is for superusers only and is checked as a whole in test_admin_is_superuser_only;
the media route exists only with DEBUG (development)."""

EXCLUDED = {
    "pattern:django-admin/*": "Django 管理后台的对象页与兜底路由：同一 admin_view 守卫",
    "admin:*": "Django 管理后台：仅超级用户；见 test_matrix.test_admin_is_superuser_only",
    "pattern:^media/(?P<path>.*)$": "仅 DEBUG 开发模式；生产环境不由应用提供上传文件",
}
