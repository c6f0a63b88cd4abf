from django import forms
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


class RateLimitedAuthenticationForm(AuthenticationForm):
    """The dashboard login, under the same Redis rate limits as ``POST /api/v1/auth/login``."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        try:
            ratelimit.login_attempt_check(address=ratelimit.client_address(self.request), username=username)
        except Throttled as exc:
            wait = int(getattr(exc, "wait", None) or 60)
            raise forms.ValidationError(f"{exc.detail} Try again in {wait} seconds.") from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            ratelimit.login_failure_record(username=username)
            raise
        ratelimit.login_failures_clear(username=username)
        return cleaned
