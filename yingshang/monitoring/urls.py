from django.urls import path

from yingshang.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("dimensions/<slug:code>/", views.dimension_detail, name="dimension"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/link-targets/", views.link_targets, name="link_targets"),
    path("indicators/<slug:code>/", views.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/<str:region_code>/", views.indicator_values, name="values"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/open/", views.round_open, name="round_open"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/template.xlsx", views.round_template, name="round_template"),
    path("submissions/<int:submission_id>/", views.submission_detail, name="submission"),
    path("submissions/<int:submission_id>/review/", views.submission_review, name="submission_review"),
    path("values/<int:value_id>/revise/", views.value_revise, name="value_revise"),
    path("values/<int:value_id>/approve/", views.value_approve, name="value_approve"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("reports/<str:period>.<str:fmt>", views.report_download, name="report"),
    path("export/<slug:table>.xlsx", views.export_table, name="export"),
    path("weights/", views.weights_edit, name="weights"),
    path("parameters/", views.parameters_edit, name="parameters"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey"),
    path("surveys/<int:survey_id>/qr/<int:invitation_id>.png", views.survey_qr, name="survey_qr"),
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
]
