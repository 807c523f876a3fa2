from django.urls import path

from yingshang.policies import views

app_name = "policies"

urlpatterns = [
    # enterprise side (phone-first; search, documents, clauses, calculator and compendiums are public)
    path("", views.home, name="home"),
    path("documents/<int:document_id>/", views.document_detail, name="document"),
    path("clauses/<int:clause_id>/", views.clause_detail, name="clause"),
    path("clauses/<int:clause_id>/apply/", views.apply, name="apply"),
    path("clauses/<int:clause_id>/confirm/", views.confirm_automatic, name="confirm"),
    path("calculator/", views.calculator, name="calculator"),
    path("mine/", views.my_policies, name="mine"),
    path("mine/push/", views.push_preferences, name="push_preferences"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:application_id>/", views.application_detail, name="application"),
    path("applications/<int:application_id>/action/", views.application_action, name="application_action"),
    path("compendium/<str:industry>/", views.compendium, name="compendium"),
    path("compendium/<str:industry>/pdf/", views.compendium_pdf, name="compendium_pdf"),
    path("compendium/<str:industry>/docx/", views.compendium_docx, name="compendium_docx"),
    path("qr/<str:kind>/<str:key>.svg", views.qr_code, name="qr"),
    # management side
    path("manage/", views.manage, name="manage"),
    path("manage/import/", views.import_document, name="import"),
    path("manage/<int:document_id>/", views.manage_document, name="manage_document"),
    path("manage/<int:document_id>/action/", views.document_action, name="document_action"),
    path("manage/clauses/<int:clause_id>/", views.clause_edit, name="clause_edit"),
    path("manage/clauses/<int:clause_id>/eligible/", views.eligible_list, name="eligible"),
    path("manage/applications/", views.review_queue, name="review_queue"),
    path("manage/applications/<int:application_id>/decide/", views.decide_application, name="decide"),
    path("manage/ledger/", views.ledger, name="ledger"),
    path("manage/disbursements/<int:disbursement_id>/advance/", views.advance_disbursement, name="advance"),
    path("manage/evaluation/", views.evaluation, name="evaluation"),
    path("manage/guides/", views.guides, name="guides"),
    path("manage/guides/<int:assignment_id>/", views.guide_detail, name="guide_detail"),
]
