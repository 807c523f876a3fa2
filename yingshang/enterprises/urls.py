from django.urls import path

from yingshang.enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("<int:enterprise_id>/", views.enterprise_detail, name="detail"),
    path("<int:enterprise_id>/edit/", views.enterprise_edit, name="edit"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("import/", views.import_start, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:import_id>/", views.import_status, name="import_status"),
    path("import/<int:import_id>/rejected.xlsx", views.import_rejected, name="import_rejected"),
    path("memberships/", views.membership_queue, name="memberships"),
    path("memberships/request/", views.membership_request, name="membership_request"),
    path("memberships/<int:membership_id>/decide/", views.membership_decide, name="membership_decide"),
]
