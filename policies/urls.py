from django.urls import path

from . import views

# Other apps' pages under /manuals/<manual>/ (search, dashboard, feedback, values, reviews) are mounted by
# policymanual/urls.py before these, whose <manual>/<entry>/ patterns would otherwise catch them.
app_name = "policies"

urlpatterns = [
    path("", views.manual_list, name="manual_list"),
    path("new/", views.manual_create, name="manual_create"),
    path("<slug:manual>/", views.manual_home, name="manual_home"),
    path("<slug:manual>/print/", views.manual_print, name="manual_print"),
    path("<slug:manual>/manual.pdf", views.manual_pdf, name="manual_pdf"),
    path("<slug:manual>/editions/", views.edition_list, name="edition_list"),
    path("<slug:manual>/editions/new/", views.edition_release, name="edition_release"),
    path("<slug:manual>/editions/<str:edition>.pdf", views.edition_pdf, name="edition_pdf"),
    path("<slug:manual>/editions/<str:edition>/", views.edition_detail, name="edition_detail"),
    path("<slug:manual>/editions/<str:edition>/print/", views.edition_print, name="edition_print"),
    path("<slug:manual>/editions/<str:edition>/<slug:entry>/", views.edition_entry, name="edition_entry"),
    path("<slug:manual>/compare/", views.manual_compare, name="manual_compare"),
    path("<slug:manual>/channels/", views.channel_list, name="channel_list"),
    path("<slug:manual>/channels/<str:channel>/", views.channel_detail, name="channel_detail"),
    path("<slug:manual>/onboarding/", views.onboarding, name="onboarding"),
    path("<slug:manual>/pdfs/<int:pdf>/", views.pdf_status, name="pdf_status"),
    path("<slug:manual>/pdfs/<int:pdf>/download/", views.pdf_download, name="pdf_download"),
    path("<slug:manual>/new/", views.entry_create, name="entry_create"),
    path("<slug:manual>/import/word/", views.word_import_upload, name="word_import"),
    path("<slug:manual>/import/word/confirm/", views.word_import_confirm, name="word_import_confirm"),
    path("<slug:manual>/export/manual.docx", views.manual_docx, name="manual_docx"),
    path("<slug:manual>/review/", views.review_queue, name="review_queue"),
    path("<slug:manual>/preview/", views.markdown_preview, name="markdown_preview"),
    path("<slug:manual>/settings/", views.manual_settings, name="manual_settings"),
    path("<slug:manual>/settings/four-eyes/", views.manual_four_eyes, name="manual_four_eyes"),
    path("<slug:manual>/sections/", views.manual_organise, name="manual_organise"),
    path("<slug:manual>/sections/new/", views.section_edit, name="section_create"),
    path("<slug:manual>/sections/<slug:section>/", views.section_edit, name="section_edit"),
    path("<slug:manual>/<slug:entry>/", views.entry_detail, name="entry_detail"),
    path("<slug:manual>/<slug:entry>/entry.docx", views.entry_docx, name="entry_docx"),
    path("<slug:manual>/<slug:entry>/edit/", views.entry_edit, name="entry_edit"),
    path("<slug:manual>/<slug:entry>/questions/", views.entry_questions, name="entry_questions"),
    path("<slug:manual>/<slug:entry>/scripts/", views.entry_scripts, name="entry_scripts"),
    path("<slug:manual>/<slug:entry>/targets/", views.entry_targets, name="entry_targets"),
    path("<slug:manual>/<slug:entry>/history/", views.entry_history, name="entry_history"),
    path("<slug:manual>/<slug:entry>/diff/", views.entry_diff, name="entry_diff"),
    path("<slug:manual>/<slug:entry>/submit/", views.entry_submit, name="entry_submit"),
    path("<slug:manual>/<slug:entry>/review/", views.entry_review, name="entry_review"),
    path("<slug:manual>/<slug:entry>/approve/", views.entry_approve, name="entry_approve"),
    path("<slug:manual>/<slug:entry>/request-changes/", views.entry_request_changes, name="entry_request_changes"),
    path("<slug:manual>/<slug:entry>/retire/", views.entry_retire, name="entry_retire"),
    path("<slug:manual>/<slug:entry>/reinstate/", views.entry_reinstate, name="entry_reinstate"),
    path("<slug:manual>/<slug:entry>/delete/", views.entry_delete, name="entry_delete"),
    path("<slug:manual>/<slug:entry>/restore/<int:number>/", views.entry_restore, name="entry_restore"),
]
