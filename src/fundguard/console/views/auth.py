"""Sign-in in two steps: password, then (for roles that need it) a one-time code."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from fundguard.console.forms import SignInCodeForm, SignInForm
from fundguard.core.otp import otp_required, otp_verify
from fundguard.core.roles import CONSOLE_ROLES, role_of

PENDING_USER_KEY = "fundguard_signin_pending_user"
NEXT_KEY = "fundguard_signin_next"
BACKEND = "fundguard.core.auth.NormalizedUsernameBackend"


def _generic_failure() -> str:
    return _("Sign-in failed. Check your username, password and code.")


def _next_url(request: HttpRequest) -> str:
    wanted = request.session.pop(NEXT_KEY, "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return str(wanted)
    return "/"


def _finish(request: HttpRequest, user: User) -> HttpResponse:
    login(request, user, backend=BACKEND)  # rotates the session key, keeps its data
    return redirect(_next_url(request))


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    error = None
    if request.method == "GET":
        request.session[NEXT_KEY] = request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None and role_of(user) in CONSOLE_ROLES:
            if not otp_required(user):
                return _finish(request, user)
            request.session[PENDING_USER_KEY] = user.pk
            return redirect("console:signin_code")
        if user is not None:  # right password, but the role has no console (integration, customer)
            credentials = {"username": user.username, "stage": "role"}
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        error = _generic_failure()
    return render(request, "console/signin.html", {"form": form, "error": error})


@require_http_methods(["GET", "POST"])
def signin_code(request: HttpRequest) -> HttpResponse:
    pending_id = request.session.get(PENDING_USER_KEY)
    pending = User.objects.filter(pk=pending_id, is_active=True).first() if pending_id else None
    if pending is None:
        return redirect("console:signin")
    form = SignInCodeForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        credentials = {"username": pending.username, "stage": "otp"}
        if AxesProxyHandler.is_locked(request, credentials):
            request.session.pop(PENDING_USER_KEY, None)
            return locked_out(request, credentials)
        device = otp_verify(pending, form.cleaned_data["code"])
        if device is not None:
            request.session.pop(PENDING_USER_KEY, None)
            response = _finish(request, pending)
            otp_login(request, device)
            return response
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        error = _generic_failure()
    return render(request, "console/signin_code.html", {"form": form, "error": error})


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:signin")


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kw: Any
) -> HttpResponse:
    """django-axes' lockout page (10 failures lock the username for 30 minutes)."""
    return render(request, "console/locked_out.html", status=403)
