"""``/auth/*``: login, refresh, logout and ``me``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from monitoring_site.accounts import ratelimit, selectors
from monitoring_site.accounts.api.serializers import (
    LoginResultSerializer,
    LoginSerializer,
    LogoutResultSerializer,
    MeSerializer,
    RefreshSerializer,
    TokenPairSerializer,
)
from monitoring_site.accounts.models import ApiKey
from monitoring_site.accounts.tokens import (
    FAMILY_CLAIM,
    access_token_revoke,
    family_revoke,
    refresh_rotate,
    token_pair_for,
)
from monitoring_site.api.permissions import UserOnly
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.realtime.revocation import credentials_changed

RATE_LIMITED = OpenApiResponse(description="Too many attempts (`rate_limited`); see the Retry-After header.")


class PublicAuthView(StrictAPIView):
    """No authentication runs on these views; a failure still answers 401 with a Bearer challenge."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class LoginView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=LoginSerializer,
        responses={200: LoginResultSerializer, 429: RATE_LIMITED},
        summary="Exchange a username and password for a JWT pair",
        auth=[],
    )
    def post(self, request):
        return Response(password_login(request))


def password_login(request) -> dict:
    """``{token, refresh, expires_at, username}`` for a good username and password in the body, under the
    login limits (per address, and the username lockout). The native login and the compatibility surfaces'
    logins (EverTask's ``/auth/login``) are this one function."""
    form = LoginSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    username, password = form.validated_data["username"], form.validated_data["password"]
    ratelimit.login_attempt_check(address=ratelimit.client_address(request), username=username)
    user = authenticate(request._request, username=username, password=password)
    if user is None:  # also for a disabled account: ModelBackend refuses inactive users
        ratelimit.login_failure_record(username=username)
        raise AuthenticationFailed("Invalid username or password.")
    ratelimit.login_failures_clear(username=username)
    update_last_login(type(user), user)
    return {**token_pair_for(user), "username": user.get_username()}


class RefreshView(PublicAuthView):
    @extend_schema(
        tags=["auth"],
        request=RefreshSerializer,
        responses={200: TokenPairSerializer},
        auth=[],
        summary="Trade a refresh token for a new pair (the old refresh token is blacklisted)",
    )
    def post(self, request):
        form = RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            return Response(refresh_rotate(form.validated_data["refresh"]))
        except TokenError as exc:  # expired, malformed or blacklisted
            raise InvalidToken(str(exc)) from exc


class LogoutView(StrictAPIView):
    body_fields = {"post": RefreshSerializer}
    permission_classes = [UserOnly]

    @extend_schema(
        tags=["auth"],
        request=RefreshSerializer,
        responses={200: LogoutResultSerializer},
        summary="Blacklist the refresh token and revoke the access token of this request",
    )
    def post(self, request):
        form = RefreshSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            refresh = RefreshToken(form.validated_data["refresh"])
        except TokenError as exc:
            raise ValidationError({"refresh": [str(exc)]}) from exc
        if str(refresh.get("user_id")) != str(request.user.pk):
            raise PermissionDenied("That refresh token belongs to another user.")
        refresh.blacklist()
        family_revoke(refresh.get(FAMILY_CLAIM))
        if isinstance(request.auth, AccessToken):
            access_token_revoke(request.auth)
        credentials_changed(user_id=request.user.pk)
        return Response({"logged_out": True})


class MeView(StrictAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["auth"], responses={200: MeSerializer}, summary="Who am I, and in which organizations"
    )
    def get(self, request):
        api_key = request.auth if isinstance(request.auth, ApiKey) else None
        tenant = (
            request_tenant(request) if api_key or selectors.memberships_of(request.user).exists() else None
        )
        organizations = []
        if api_key is None:
            for membership in selectors.memberships_of(request.user):
                membership.organization.caller_role = membership.role
                organizations.append(membership.organization)
        current = None
        if tenant is not None:
            current = tenant.organization
            current.caller_role = tenant.role
            if api_key is not None:
                organizations = [current]
        payload = {
            "user": None if api_key else request.user,
            "api_key": api_key,
            "organization": current,
            "organizations": organizations,
        }
        return Response(MeSerializer(payload).data)
