from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditEvent, CompanyMembership, SchoolMembership, Throttle, User
from .services import user_deactivate


class SchoolMembershipInline(admin.TabularInline):
    model = SchoolMembership
    extra = 0
    autocomplete_fields = ["school"]


class CompanyMembershipInline(admin.TabularInline):
    model = CompanyMembership
    extra = 0
    autocomplete_fields = ["company"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [SchoolMembershipInline, CompanyMembershipInline]
    list_filter = [
        "is_active",
        "is_staff",
        "is_superuser",
        "school_memberships__role",
        "school_memberships__school",
        "company_memberships__role",
    ]
    actions = ["deactivate_users"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Product"), {"fields": ["language", "two_factor_reset"]}),
    ]

    def save_model(self, request, obj, form, change):
        # Deactivation must also end the user's sessions: route it through the service.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if deactivating:
            user_deactivate(user=obj, by=request.user, request=request)

    @admin.action(description=_("Deactivate selected users and end their sessions"))
    def deactivate_users(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        for user in users:
            user_deactivate(user=user, by=request.user, request=request)
        self.message_user(
            request,
            ngettext("%(n)d user deactivated.", "%(n)d users deactivated.", len(users))
            % {"n": len(users)},
            messages.SUCCESS,
        )


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "school", "role"]
    list_filter = ["role", "school"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "school__name"]
    autocomplete_fields = ["user", "school"]
    list_select_related = ["user", "school"]


@admin.register(CompanyMembership)
class CompanyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "company__name"]
    autocomplete_fields = ["user", "company"]
    list_select_related = ["user", "company"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail: superusers read it; nobody edits or deletes it here."""

    list_display = ["created_at", "actor_name", "action", "target_repr", "ip_address"]
    list_filter = ["action", ("target_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_name", "target_repr", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["target_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Throttle)
class ThrottleAdmin(admin.ModelAdmin):
    """Attempt counters (second-factor codes, reset mails); deleting one lifts its limit."""

    list_display = ["scope", "count", "window_start"]
    list_filter = ["scope"]
    readonly_fields = [f.name for f in Throttle._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
