from django.urls import path

from fundguard.ledger import views

app_name = "ledger"

urlpatterns = [
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
]
