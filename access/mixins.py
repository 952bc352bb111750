"""Make the scoped lookup the easy path in views (pretix's permission middleware and
healthchecks' _get_check_for_user are the models)."""

from collections.abc import Callable

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from access import Capability, require


def get_for_user_or_404(
    scope: Callable[..., QuerySet],
    user,
    capability: str = Capability.VIEW,
    **lookup,
) -> Model:
    """404 when the object is outside the user's scope, 403 without the capability.
    Being in scope is what VIEW means, so VIEW needs no second check (nor query)."""
    obj = get_object_or_404(scope(user), **lookup)
    if capability != Capability.VIEW:
        require(user, capability, obj)
    return obj


class ScopedObjectMixin(LoginRequiredMixin):
    """For Detail/Update/Delete views: set ``scope`` (a ``*_for`` function wrapped in
    staticmethod) and ``capability``; get_object() then answers 404 or 403."""

    scope: Callable[..., QuerySet]
    capability: str = Capability.VIEW

    def get_queryset(self):
        return self.scope(self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if self.capability != Capability.VIEW:
            require(self.request.user, self.capability, obj)
        return obj


class ScopedLoadMixin(LoginRequiredMixin):
    """For views about one object that are not Detail/Update views: before dispatching,
    load it through `scope` (404 outside) with `capability` (403 without) and keep it
    as `self.<object_name>`."""

    scope: Callable[..., QuerySet]
    capability: str = Capability.VIEW
    object_name: str = "object"
    select_related: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()

        def scoped(user):
            queryset = self.scope(user)
            return (
                queryset.select_related(*self.select_related) if self.select_related else queryset
            )

        obj = get_for_user_or_404(scoped, request.user, self.capability, pk=kwargs["pk"])
        setattr(self, self.object_name, obj)
        return super().dispatch(request, *args, **kwargs)
