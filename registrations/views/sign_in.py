"""Signing in without a password: a link mailed to the address (asked for here, opened here),
and the page that lists a signed-in person's registrations at every event."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from confman.core.throttling import page_rate_limit
from registrations import links
from registrations.mail import send_sign_in_mail
from registrations.models import Registration
from registrations.services.accounts import (
    SIGN_IN_BACKEND,
    account_for_address,
    registrations_join,
    sign_in_link_allowed,
)


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
@page_rate_limit("private_links")
def email_link(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same whether or not the address is known."""
    next_path = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if sign_in_link_allowed(email):
            account = account_for_address(email)
            if account is not None:
                language = translation.get_language() or ""
                transaction.on_commit(
                    lambda: send_sign_in_mail.enqueue(account.pk, language, next_path)
                )
        return render(
            request,
            "registrations/sign_in_sent.html",
            {"email": email, "minutes": links.SIGN_IN_MINUTES},
        )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "registrations/sign_in_email.html",
        {"form": form, "next": next_path},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@page_rate_limit("private_links", methods=("GET", "HEAD", "POST"))
def email_link_open(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: a button to sign in (a GET changes nothing, so that mail scanners that
    open links do not use it up), and the sign-in itself."""
    user = links.user_for_sign_in_token(token)
    if user is None:
        return render(
            request,
            "registrations/sign_in_invalid.html",
            {"minutes": links.SIGN_IN_MINUTES},
            status=410,
        )
    next_path = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method != "POST":
        return render(
            request, "registrations/sign_in_open.html", {"account": user, "next": next_path}
        )
    login(request, user, backend=SIGN_IN_BACKEND)  # sets last_login: the link is used up
    joined = registrations_join(user)
    if joined:
        messages.success(
            request,
            ngettext(
                "You are signed in. %(count)d registration made with your address is now "
                "with your account.",
                "You are signed in. %(count)d registrations made with your address are now "
                "with your account.",
                joined,
            )
            % {"count": joined},
        )
    else:
        messages.success(request, _("You are signed in."))
    return HttpResponseRedirect(next_path or reverse("registrations:my-registrations"))


@require_safe
@login_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    """Every registration of the signed-in account, at every event, newest event first."""
    registrations = list(
        Registration.objects.filter(user=request.user)
        .select_related("event", "ticket")
        .order_by("-event__start_date", "-created_at")
    )
    for registration in registrations:
        registration.link = reverse(
            "registrations:mine",
            kwargs={"slug": registration.event.slug, "token": links.magic_token(registration)},
        )
    return render(request, "registrations/my_registrations.html", {"registrations": registrations})
