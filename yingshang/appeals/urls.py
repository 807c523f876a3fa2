from django.urls import path

from yingshang.appeals import views

app_name = "appeals"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.file_new, name="new"),
    path("public/", views.public_form, name="public"),
    path("track/<str:token>/", views.track, name="track"),
    path("intake/", views.intake, name="intake"),
    path("mine/", views.mine, name="mine"),
    path("dispatch/", views.dispatch_queue, name="dispatch_queue"),
    path("inbox/", views.inbox, name="inbox"),
    path("extensions/", views.extensions, name="extensions"),
    path("revisits/", views.revisits, name="revisits"),
    path("<int:appeal_id>/", views.detail, name="detail"),
    path("<int:appeal_id>/act/<str:action>/", views.act, name="act"),
    path("<int:appeal_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("import/", views.import_orders, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("metrics/", views.metrics_page, name="metrics"),
    path("metrics/export.xlsx", views.metrics_export, name="metrics_export"),
    path("hot/", views.hot_topics, name="hot"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment/export.xlsx", views.assessment_export, name="assessment_export"),
    path("formulas/", views.formulas, name="formulas"),
    path("configuration/", views.configuration, name="configuration"),
    path("catalogue/", views.dispatch_catalogue, name="catalogue"),
    path("catalogue/export.xlsx", views.dispatch_catalogue_export, name="catalogue_export"),
]
