from django.urls import path

from yingshang.core import views

app_name = "core"

urlpatterns = [
    path("", views.portal, name="portal"),
    path("home/", views.home, name="home"),
    path("workspace/", views.workspace, name="workspace"),
    path("workbench/", views.workbench, name="workbench"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("audit/", views.audit_trail, name="audit_trail"),
    path("departments/", views.departments, name="departments"),
]
