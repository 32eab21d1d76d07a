from django.urls import path

from fundguard.console.views import audit, auth, dashboard

app_name = "console"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("signin/", auth.signin, name="signin"),
    path("signin/code/", auth.signin_code, name="signin_code"),
    path("signout/", auth.signout, name="signout"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
]
