from django.urls import path

from fundguard.payments import views

app_name = "payments"

urlpatterns = [
    path("files/", views.file_list, name="file_list"),
    path("files/<int:payment_file_id>/", views.file_detail, name="file_detail"),
    path("files/<int:payment_file_id>/download/", views.file_download, name="file_download"),
    path("files/<int:payment_file_id>/release/", views.file_release, name="file_release"),
    path("accounts/", views.company_account_list, name="company_account_list"),
    path("accounts/<int:company_account_id>/build/", views.file_build, name="file_build"),
    path("status-reports/", views.status_report_list, name="status_report_list"),
]
