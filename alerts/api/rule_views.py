"""Alert rules, alerts and maintenance windows: thin views over ``alerts.services``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from alerts.api.rule_serializers import (
    AcknowledgeSerializer,
    AlertRuleSerializer,
    AlertSerializer,
    MaintenanceWindowSerializer,
    ResolveSerializer,
    RulesReplaceSerializer,
)
from alerts.filters import AlertFilter, AlertRuleFilter, MaintenanceWindowFilter
from alerts.inputs import MaintenanceChanges, NewMaintenance, NewRule, RuleChanges
from alerts.models import Alert, AlertRule, MaintenanceWindow
from alerts.selectors import alert_summary
from alerts.services import alerts as alert_services
from alerts.services import maintenance as maintenance_services
from alerts.services import rules as rule_services
from monitoring_site.accounts.choices import Role
from monitoring_site.api.expiry import ExtendSerializer
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import request_tenant
from monitoring_site.api.viewsets import ListMixin, RetrieveMixin, TenantModelViewSet, TenantViewSet

RuleTestResult = inline_serializer(
    "RuleTestResult",
    {
        "rule_id": serializers.IntegerField(),
        "delivered": serializers.BooleanField(),
        "results": serializers.ListField(child=serializers.DictField()),
    },
)


@extend_schema_view(
    pause=extend_schema(request=None, summary="Stop evaluating the rule"),
    resume=extend_schema(request=None, summary="Evaluate the rule again"),
    extend=extend_schema(request=ExtendSerializer, summary="Push expires_at out by hours or to a date"),
    test=extend_schema(
        request=None,
        responses={200: RuleTestResult},
        summary="Send a test notification to the rule's channels",
    ),
)
class AlertRuleViewSet(TenantModelViewSet):
    queryset = AlertRule.objects.prefetch_related("channels", "escalation_channels")
    serializer_class = AlertRuleSerializer
    envelope_singular, envelope_plural = "alert_rule", "alert_rules"
    action_fields = {"extend": ExtendSerializer}
    filterset_class = AlertRuleFilter
    sort_fields = ["id", "name", "severity", "created_at", "last_evaluated_at"]
    default_sort = "id"

    def perform_create(self, serializer):
        return rule_services.rule_create(
            organization=self.tenant.organization, new=NewRule.of(serializer.validated_data)
        )

    def perform_update(self, serializer):
        return rule_services.rule_update(
            rule=serializer.instance, changes=RuleChanges.of(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        rule_services.rule_delete(rule=instance)

    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self.envelope_one(rule_services.rule_pause(rule=self.get_object(), by=self.tenant.by))

    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self.envelope_one(rule_services.rule_resume(rule=self.get_object(), by=self.tenant.by))

    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        target = self.get_object()  # another organization's object is a 404 whatever the body says
        form = ExtendSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self.envelope_one(rule_services.rule_extend(rule=target, **form.validated_data))

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        return Response(rule_services.rule_test(rule=self.get_object(), by=self.tenant.by))


class AlertRulesReplaceView(StrictAPIView):
    body_fields = {"put": RulesReplaceSerializer}
    write_role = Role.ADMIN  # it deletes every rule not in the request

    @extend_schema(
        tags=["alerts"],
        request=RulesReplaceSerializer,
        responses={200: keyed("AlertRuleSet", alert_rules=AlertRuleSerializer(many=True))},
        summary="Replace the whole rule set (matched by name; idempotent; all or nothing)",
    )
    def put(self, request):
        form = RulesReplaceSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        tenant = request_tenant(request)
        rules = rule_services.rules_replace(
            organization=tenant.organization,
            rules=[NewRule.of(rule) for rule in form.validated_data["rules"]],
        )
        fresh = AlertRule.objects.filter(pk__in=[r.pk for r in rules]).prefetch_related(
            "channels", "escalation_channels"
        )  # one query per relation, not per rule
        return Response({"alert_rules": AlertRuleSerializer(fresh.order_by("id"), many=True).data})


@extend_schema_view(
    acknowledge=extend_schema(
        request=AcknowledgeSerializer, summary="Acknowledge: stops repeats and escalation"
    ),
    resolve=extend_schema(request=ResolveSerializer, summary="Resolve with a resolution and root cause"),
)
class AlertViewSet(ListMixin, RetrieveMixin, TenantViewSet):
    queryset = Alert.objects.all()
    serializer_class = AlertSerializer
    envelope_singular, envelope_plural = "alert", "alerts"
    action_fields = {"acknowledge": AcknowledgeSerializer, "resolve": ResolveSerializer}
    not_found_code = "alert_not_found"
    filterset_class = AlertFilter
    sort_fields = ["id", "triggered_at", "last_occurrence", "severity", "status", "occurrence_count"]
    default_sort = "-triggered_at"

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if isinstance(response.data, dict) and "alerts" in response.data:
            response.data["summary"] = alert_summary(self.filter_queryset(self.get_queryset()))
        return response

    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        form = AcknowledgeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        alert = alert_services.alert_acknowledge(
            alert=self.get_object(), by=self.tenant.by, **form.validated_data
        )
        return self.envelope_one(alert)

    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        form = ResolveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        alert = alert_services.alert_resolve(
            alert=self.get_object(), by=self.tenant.by, **form.validated_data
        )
        return self.envelope_one(alert)


class MaintenanceWindowViewSet(TenantModelViewSet):
    queryset = MaintenanceWindow.objects.all()
    serializer_class = MaintenanceWindowSerializer
    envelope_singular, envelope_plural = "maintenance_window", "maintenance_windows"
    filterset_class = MaintenanceWindowFilter
    sort_fields = ["id", "name", "starts_at", "created_at"]
    default_sort = "id"

    def perform_create(self, serializer):
        return maintenance_services.maintenance_create(
            organization=self.tenant.organization, new=NewMaintenance.of(serializer.validated_data)
        )

    def perform_update(self, serializer):
        return maintenance_services.maintenance_update(
            window=serializer.instance, changes=MaintenanceChanges.of(serializer.validated_data)
        )
