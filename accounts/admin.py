from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import CompanyMembership, SchoolMembership, User


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
