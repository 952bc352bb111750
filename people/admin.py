from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """For looking things up; invitations are made and answered in the product."""

    list_display = ["email", "school", "company", "role", "invited_by", "created_at", "expires_at"]
    list_filter = ["role", "school"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False
