"""Status pages over the API (tenant CRUD) and the public JSON of a public page."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.viewsets import TenantModelViewSet
from monitors.api.status_page_serializers import StatusPageSerializer
from monitors.inputs import NewStatusPage, StatusPageChanges
from monitors.models import StatusPage
from monitors.services import status_pages as page_services


class StatusPageViewSet(TenantModelViewSet):
    queryset = StatusPage.objects.prefetch_related("components", "updates")
    serializer_class = StatusPageSerializer
    envelope_singular, envelope_plural = "status_page", "status_pages"
    sort_fields = ["id", "name", "slug", "created_at", "updated_at"]
    default_sort = "id"

    def perform_create(self, serializer):
        return page_services.status_page_create(
            organization=self.tenant.organization,
            new=NewStatusPage.of(serializer.validated_data),
            by=self.tenant.by,
        )

    def perform_update(self, serializer):
        return page_services.status_page_update(
            page=serializer.instance,
            changes=StatusPageChanges.of(serializer.validated_data),
            by=self.tenant.by,
        )


class PublicStatusPageView(StrictAPIView):
    """``GET /public/status-pages/{slug}``: no token; a private or unknown page is 404."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="A public status page's state")
    def get(self, request, slug: str):
        page = StatusPage.objects.filter(slug=slug, is_public=True).first()
        if page is None:
            raise Http404("No public status page has this address.")
        return Response({"status_page": page_services.status_page_view(page)})
