from django.contrib import admin, messages

from monitoring_site.accounts import services
from monitoring_site.accounts.models import ApiKey, Invitation, Membership, Organization, Project
from monitoring_site.admin_services import ServiceOwnedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "member_count", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, obj: Organization) -> int:
        return obj.memberships.count()


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Project)
class ProjectAdmin(ServiceOwnedAdmin):
    list_display = ["name", "organization", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "description"]

    def delete_one(self, obj):
        services.project_delete(project=obj)


@admin.register(ApiKey)
class ApiKeyAdmin(ServiceOwnedAdmin):
    list_display = [
        "name",
        "display_prefix",
        "organization",
        "scope",
        "created_by",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "organization", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "display_prefix", "organization__name"]
    readonly_fields = ["key_hash", "display_prefix", "created_at", "last_used_at", "revoked_at", "created_by"]
    actions = ["revoke"]

    # Keys are created through the API or the dashboard, which show the key once; deleting one revokes it.
    def delete_one(self, obj):
        services.api_key_revoke(api_key=obj)

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for api_key in queryset:
            services.api_key_revoke(api_key=api_key)
        self.message_user(request, f"Revoked {queryset.count()} key(s).", messages.SUCCESS)


@admin.register(Invitation)
class InvitationAdmin(ServiceOwnedAdmin):
    """Invitations are answered by their users (the dashboard or the API); the admin only looks."""

    list_display = ["username", "organization", "role", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["status", "role"]
    search_fields = ["username", "organization__name"]
    readonly_fields = [f.name for f in Invitation._meta.fields]
