from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from monitoring_site.accounts.choices import ApiKeyScope, Role
from monitoring_site.accounts.models import ApiKey, Invitation, Membership, Organization, Project


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class TokenPairSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="JWT access token: send as `Authorization: Bearer <token>`.")
    refresh = serializers.CharField(help_text="Refresh token for POST /auth/refresh and /auth/logout.")
    expires_at = serializers.DateTimeField(help_text="When the access token expires.")


class LoginResultSerializer(TokenPairSerializer):
    username = serializers.CharField()


class RefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class LogoutResultSerializer(serializers.Serializer):
    logged_out = serializers.BooleanField()


class UserSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="Empty when the user has none.")

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "is_staff",
            "last_login",
            "date_joined",
        ]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(help_text="Your role in this organization.")

    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "role", "created_at"]
        read_only_fields = ["id", "slug", "role", "created_at"]

    def get_role(self, obj: Organization) -> str | None:
        return getattr(obj, "caller_role", None)


class ApiKeyInfoSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ["id", "name", "scope", "display_prefix"]


class MeSerializer(serializers.Serializer):
    user = UserSerializer(allow_null=True)
    api_key = ApiKeyInfoSerializer(allow_null=True)
    organization = OrganizationSerializer(allow_null=True, help_text="The organization this request acts in.")
    organizations = OrganizationSerializer(many=True)


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True, help_text="Empty when none is set.")
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "username", "email", "role", "is_active", "joined_at"]
        read_only_fields = ["user_id", "username", "email", "is_active", "joined_at"]


class MemberCreateSerializer(serializers.Serializer):
    username = serializers.RegexField(
        r"^[\w.@+-]+\Z",
        max_length=150,
        help_text="Platform staff: an existing user, or a new one to create. Anyone else: the username to "
        "invite (202, the same answer whether or not the user exists).",
    )
    password = serializers.CharField(
        required=False,
        allow_blank=False,
        trim_whitespace=False,
        max_length=256,
        help_text="Platform staff only: creates the user with this password when the username is new.",
    )
    email = serializers.EmailField(required=False, help_text="Platform staff only: stored on a new user.")
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class ApiKeySerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)
    is_active = serializers.BooleanField(read_only=True)
    scope = serializers.ChoiceField(choices=ApiKeyScope.choices, default=ApiKeyScope.READ)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "scope",
            "display_prefix",
            "is_active",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["id", "display_prefix", "created_at", "last_used_at", "revoked_at"]


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="The key itself. Shown once: store it now.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "description", "created_at"]
        read_only_fields = ["id", "created_at"]
        # Uniqueness per organization is checked by the service (the organization is not a field here).
        validators: list = []


class InvitationSerializer(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    invited_by = serializers.CharField(source="invited_by.username", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organization",
            "username",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields

    def get_organization(self, invitation) -> dict:
        return {"id": invitation.organization_id, "name": invitation.organization.name}
