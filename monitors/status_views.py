"""Status pages in the browser: the public page at ``/status/{slug}``, and the dashboard's list and editor
with its "post an update" form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from monitoring_site.accounts.choices import Role, role_at_least
from monitoring_site.accounts.principal import Tenant
from monitoring_site.accounts.selectors import tenant_for_user
from monitoring_site.dashboard.forms import add_domain_errors
from monitoring_site.dashboard.tenancy import tenant_page
from monitoring_site.errors import DomainError
from monitors.forms import PageUpdateForm, StatusPageForm
from monitors.inputs import NewStatusPage, StatusPageChanges
from monitors.models import StatusPage
from monitors.services import status_pages as page_services


def status_page_public(request: HttpRequest, slug: str) -> HttpResponse:
    """Public pages for everyone; a private page only for members of its organization (a preview)."""
    page = StatusPage.objects.filter(slug=slug).first()
    member = (
        page is not None
        and request.user.is_authenticated
        and (tenant_for_user(request.user, page.organization_id) is not None)
    )
    if page is None or not (page.is_public or member):
        raise Http404("No status page here.")
    return render(request, "monitors/status_public.html", {"page": page_services.status_page_view(page)})


@tenant_page
def status_page_list(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    pages = StatusPage.objects.filter(organization=tenant.organization).order_by("name")
    form = StatusPageForm(organization=tenant.organization)
    return render(
        request,
        "monitors/status_page_list.html",
        {
            "pages": pages,
            "form": form,
            "section": "status_pages",
            "can_act": role_at_least(tenant.role, Role.MEMBER),
        },
    )


@tenant_page(min_role=Role.MEMBER)
def status_page_new(request: HttpRequest, *, tenant: Tenant) -> HttpResponse:
    form = StatusPageForm(request.POST or None, request.FILES or None, organization=tenant.organization)
    if request.method == "POST" and form.is_valid():
        try:
            page = page_services.status_page_create(
                organization=tenant.organization, new=NewStatusPage.of(form.page_data()), by=tenant.by
            )
            messages.success(request, f"Status page {page.name} created.")
            return redirect("monitors:status-page", page_id=page.pk)
        except DomainError as exc:
            messages.error(request, exc.text())
    pages = StatusPage.objects.filter(organization=tenant.organization).order_by("name")
    return render(
        request,
        "monitors/status_page_list.html",
        {"pages": pages, "form": form, "section": "status_pages", "can_act": True},
    )


@tenant_page
def status_page_edit(request: HttpRequest, page_id: int, *, tenant: Tenant) -> HttpResponse:
    """The editor: post an update (incident status and message), or change the settings and components."""
    page = get_object_or_404(StatusPage.objects.filter(organization=tenant.organization), pk=page_id)
    can_act = role_at_least(tenant.role, Role.MEMBER)
    posted = request.POST if request.method == "POST" and can_act else None
    action = posted.get("action") if posted else None
    if action == "delete":
        page_services.status_page_delete(page=page)
        messages.success(request, f"Status page {page.name} deleted; /status/{page.slug} answers 404 now.")
        return redirect("monitors:status-pages")
    form = PageUpdateForm(
        posted if action == "update" else None,
        initial={"incident_status": page.incident_status, "incident_message": page.incident_message},
    )
    settings_form = StatusPageForm(
        posted if action == "settings" else None,
        request.FILES if action == "settings" else None,
        organization=tenant.organization,
        page=page,
    )
    try:
        if action == "update" and form.is_valid():
            page_services.status_page_update(
                page=page, changes=StatusPageChanges.of(form.cleaned_data), by=tenant.by
            )
            messages.success(request, "Update posted.")
            return redirect("monitors:status-page", page_id=page.pk)
        if action == "settings" and settings_form.is_valid():
            page_services.status_page_update(
                page=page, changes=StatusPageChanges.of(settings_form.page_data()), by=tenant.by
            )
            messages.success(request, "Status page saved.")
            return redirect("monitors:status-page", page_id=page.pk)
    except DomainError as exc:
        add_domain_errors(settings_form if action == "settings" else form, exc)
    return render(
        request,
        "monitors/status_page_edit.html",
        {
            "page": page,
            "form": form,
            "settings_form": settings_form,
            "view": page_services.status_page_view(page),
            "section": "status_pages",
            "can_act": can_act,
        },
    )
