"""Organizations, members, API keys and projects."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from monitoring_site.accounts import invitations, selectors, services
from monitoring_site.accounts.api.serializers import (
    ApiKeyCreatedSerializer,
    ApiKeySerializer,
    InvitationSerializer,
    MemberCreateSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    OrganizationSerializer,
    ProjectSerializer,
)
from monitoring_site.accounts.choices import Role
from monitoring_site.accounts.filters import ApiKeyFilter, ProjectFilter
from monitoring_site.accounts.models import ApiKey, Invitation, Membership, Organization, Project
from monitoring_site.api.permissions import OrganizationRole, UserOnly
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import PathOrganizationMixin, tenant_in_organization
from monitoring_site.api.viewsets import (
    CreateMixin,
    DestroyMixin,
    ListMixin,
    RetrieveMixin,
    TenantModelViewSet,
    TenantViewSet,
    UpdateMixin,
)


@extend_schema_view(
    list=extend_schema(summary="Organizations you belong to (an API key sees its own)"),
    retrieve=extend_schema(summary="One organization, with your role in it"),
    create=extend_schema(summary="Create an organization; you become its owner"),
    partial_update=extend_schema(summary="Rename an organization (admin)"),
)
class OrganizationViewSet(ListMixin, RetrieveMixin, CreateMixin, UpdateMixin, TenantViewSet):
    """Scoped by membership, not by the ``X-Organization`` header; the role checked for a change is the
    caller's role in the organization of the path."""

    serializer_class = OrganizationSerializer
    envelope_singular, envelope_plural = "organization", "organizations"
    sort_fields = ["id", "name", "created_at"]
    default_sort = "id"
    write_role = Role.ADMIN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action == "create":  # a person creates organizations, never an API key
            return [UserOnly()]
        return [OrganizationRole()]

    def check_permissions(self, request):
        if "pk" in self.kwargs and request.user is not None and request.user.is_authenticated:
            request._tenant = tenant_in_organization(request, int(self.kwargs["pk"]))
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organization.objects.none()
        return selectors.organizations_with_caller_role(self.tenant, self.request.user.pk or 0)

    def perform_create(self, serializer):
        owner = cast(User, self.request.user)
        organization = services.organization_create(name=serializer.validated_data["name"], owner=owner)
        organization.caller_role = Role.OWNER
        return organization

    def perform_update(self, serializer):
        return services.organization_update(
            organization=serializer.instance,
            by=self.tenant,
            name=serializer.validated_data.get("name", serializer.instance.name),
        )


@extend_schema_view(
    list=extend_schema(summary="Members of the organization"),
    create=extend_schema(
        request=MemberCreateSerializer,
        responses={
            201: keyed("MemberAdded", member=MemberSerializer()),
            202: keyed("InvitationSent", invitation=InvitationSerializer()),
        },
        summary="Add a member (platform staff, 201) or invite a username (everyone else, 202)",
    ),
    partial_update=extend_schema(request=MemberUpdateSerializer, summary="Change a member's role"),
    destroy=extend_schema(summary="Remove a member from the organization"),
)
class MemberViewSet(PathOrganizationMixin, ListMixin, CreateMixin, UpdateMixin, DestroyMixin, TenantViewSet):
    """Members are managed by admins (owners for the owner role); API keys may only read them."""

    queryset = Membership.objects.select_related("user", "organization")
    serializer_class = MemberSerializer
    envelope_singular, envelope_plural = "member", "members"
    lookup_field = "user_id"
    write_role = Role.ADMIN
    sort_fields = {"username": "user__username", "role": "role", "joined_at": "created_at"}
    default_sort = "id"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_permissions(self):
        if self.request.method in SAFE_METHODS:
            return [OrganizationRole()]
        return [UserOnly(), OrganizationRole()]

    def get_serializer_class(self):
        return {"create": MemberCreateSerializer, "partial_update": MemberUpdateSerializer}.get(
            self.action, MemberSerializer
        )

    def envelope_one(self, obj, status_code=200):
        return Response({"member": MemberSerializer(obj).data}, status=status_code)

    def create(self, request, *args, **kwargs):
        """Platform staff add users directly (creating new ones); anyone else invites, and the answer does
        not say whether the username exists (``accounts.invitations``)."""
        form = MemberCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        tenant, data = self.tenant, form.validated_data
        if request.user.is_staff:
            membership = services.membership_add(organization=tenant.organization, by=tenant, **data)
            return Response({"member": MemberSerializer(membership).data}, status=201)
        staff_only = sorted({"password", "email"} & set(data))
        if staff_only:
            message = "Only platform staff create accounts; invite an existing user by username."
            raise ValidationError({name: [message] for name in staff_only})
        invitation = invitations.invitation_create(
            organization=tenant.organization, by=tenant, username=data["username"], role=data["role"]
        )
        return Response({"invitation": InvitationSerializer(invitation).data}, status=202)

    def perform_update(self, serializer):
        if "role" not in serializer.validated_data:  # a PATCH naming nothing changes nothing
            return serializer.instance
        return services.membership_change_role(
            membership=serializer.instance, by=self.tenant, role=serializer.validated_data["role"]
        )

    def perform_destroy(self, instance):
        services.membership_remove(membership=instance, by=self.tenant)


@extend_schema_view(
    list=extend_schema(summary="API keys of the organization (active ones unless is_active=false)"),
    create=extend_schema(responses={201: ApiKeyCreatedSerializer}, summary="Create a key; it is shown once"),
    destroy=extend_schema(summary="Revoke a key; it stops working at once"),
)
class ApiKeyViewSet(ListMixin, RetrieveMixin, CreateMixin, DestroyMixin, TenantViewSet):
    """API keys are managed by admins logged in as themselves: a key cannot mint or revoke keys."""

    queryset = ApiKey.objects.select_related("created_by")
    serializer_class = ApiKeySerializer
    envelope_singular, envelope_plural = "api_key", "api_keys"
    permission_classes = [UserOnly, OrganizationRole]
    read_role = write_role = delete_role = Role.ADMIN
    filterset_class = ApiKeyFilter
    sort_fields = ["id", "name", "created_at", "last_used_at"]
    default_sort = "-id"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and "is_active" not in self.request.query_params:
            queryset = queryset.filter(revoked_at__isnull=True)
        return queryset

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key, raw = services.api_key_create(
            organization=self.tenant.organization,
            by=self.tenant.by,
            **serializer.validated_data,
        )
        return Response({"api_key": {**ApiKeySerializer(api_key).data, "key": raw}}, status=201)

    def perform_destroy(self, instance):
        services.api_key_revoke(api_key=instance)


class ProjectViewSet(TenantModelViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    envelope_singular, envelope_plural = "project", "projects"
    filterset_class = ProjectFilter
    sort_fields = ["id", "name", "created_at"]
    default_sort = "name"

    def perform_create(self, serializer):
        return services.project_create(organization=self.tenant.organization, **serializer.validated_data)

    def perform_update(self, serializer):
        return services.project_update(project=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.project_delete(project=instance)


@extend_schema_view(
    list=extend_schema(summary="Invitations of the organization (admins)"),
    destroy=extend_schema(summary="Withdraw a pending invitation"),
)
class OrganizationInvitationViewSet(PathOrganizationMixin, ListMixin, DestroyMixin, TenantViewSet):
    queryset = Invitation.objects.select_related("organization", "invited_by")
    serializer_class = InvitationSerializer
    envelope_singular, envelope_plural = "invitation", "invitations"
    permission_classes = [UserOnly, OrganizationRole]
    read_role = write_role = delete_role = Role.ADMIN
    sort_fields = ["id", "username", "created_at"]
    default_sort = "-id"

    def perform_destroy(self, instance):
        invitations.invitation_revoke(invitation=instance, by=self.tenant)


class MyInvitationsView(StrictAPIView):
    """The caller's own pending invitations, from any organization."""

    permission_classes = [UserOnly]

    @extend_schema(
        tags=["organizations"],
        responses={200: keyed("Invitations", invitations=InvitationSerializer(many=True))},
        summary="Your invitations",
    )
    def get(self, request):
        pending = selectors.invitations_for(request.user)
        return Response({"invitations": InvitationSerializer(pending, many=True).data})


class InvitationAnswerView(StrictAPIView):
    permission_classes = [UserOnly]
    answer = "accept"

    @extend_schema(
        tags=["organizations"],
        request=None,
        responses={
            200: keyed(
                "InvitationAnswer",
                member=MemberSerializer(required=False, help_text="Accepted: your membership."),
                invitation=InvitationSerializer(required=False, help_text="Declined: the invitation."),
            )
        },
    )
    def post(self, request, invitation_id: int):
        if self.answer == "accept":
            membership = invitations.invitation_accept(invitation_id=invitation_id, user=request.user)
            return Response({"member": MemberSerializer(membership).data})
        invitation = invitations.invitation_decline(invitation_id=invitation_id, user=request.user)
        return Response({"invitation": InvitationSerializer(invitation).data})
