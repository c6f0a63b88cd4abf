from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from rest_framework.exceptions import Throttled

from monitoring_site.accounts import ratelimit
from monitoring_site.accounts.choices import ApiKeyScope, Role


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=120)
    scope = forms.ChoiceField(choices=ApiKeyScope.choices, initial=ApiKeyScope.READ)


class MemberAddForm(forms.Form):
    username = forms.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = forms.CharField(required=False, widget=forms.PasswordInput, help_text="For a new user.")
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class RateLimitedLoginMixin:
    """A login form under the same Redis rate limits as ``POST /api/v1/auth/login``: per address, and the
    lockout of a username after repeated failures."""

    request: Any
    cleaned_data: dict[str, Any]

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            ratelimit.login_attempt_check(address=ratelimit.client_address(self.request), username=username)
        except Throttled as exc:
            wait = int(getattr(exc, "wait", None) or 60)
            raise forms.ValidationError(f"{exc.detail} Try again in {wait} seconds.") from exc
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            ratelimit.login_failure_record(username=username)
            raise
        ratelimit.login_failures_clear(username=username)
        return cleaned


class RateLimitedAuthenticationForm(RateLimitedLoginMixin, AuthenticationForm):
    """The dashboard login."""


class RateLimitedAdminAuthenticationForm(RateLimitedLoginMixin, AdminAuthenticationForm):
    """The Django admin's login (``admin.site.login_form``)."""


def add_domain_errors(form: forms.Form, exc: Any, aliases: dict[str, str] | None = None) -> None:
    """Put a service's refusal (a ``DomainError`` with per-field ``details``) next to the form's fields, so
    a page shows every error in one round; ``aliases`` maps a service's field name to the form's (the
    service's ``subjects`` is the form's ``monitors`` picker); what names no field goes on top."""
    details = getattr(exc, "details", None) or {}
    placed = False
    for name, errors in details.items() if isinstance(details, dict) else ():
        known = aliases or {}
        field = known.get(name) or known.get(name.split(".")[0]) or name  # "config.url" -> the config's field
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(field if field in form.fields else None, str(error))
            placed = True
    if not placed:
        form.add_error(None, exc.text() if hasattr(exc, "text") else str(exc))
