from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Where an administrator sees what was not e-mailed, and why."""

    list_display = ["created_at", "recipient", "kind", "target_repr", "emailed_at", "email_error"]
    list_filter = ["kind", "delivery", ("emailed_at", admin.EmptyFieldListFilter)]
    search_fields = ["target_repr", "recipient__username", "email_error"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery"]
    list_filter = ["kind", "delivery"]
