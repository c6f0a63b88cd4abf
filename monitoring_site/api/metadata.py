"""``OPTIONS``: DRF's description of the endpoint, without looking an object up (DRF's own metadata calls
``get_object()`` to check object permissions, which a collection action such as ``PUT /monitors/bulk``
has no id for: a 500)."""

from __future__ import annotations

from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import clone_request


class EndpointMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                view.check_permissions(view.request)
            except (exceptions.APIException, Http404):
                continue
            else:
                actions[method] = self.get_serializer_info(view.get_serializer())
            finally:
                view.request = request
        return actions
