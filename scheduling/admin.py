from django.contrib import admin

from .models import CalendarFeed, CourseBlock, Enrollment


@admin.register(CourseBlock)
class CourseBlockAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "course",
        "school",
        "iso_year",
        "iso_week",
        "start_date",
        "location",
        "capacity",
        "status",
    ]
    list_filter = ["status", "location", "school", "iso_year"]
    search_fields = ["reference", "course__number", "course__title", "company__name"]
    list_select_related = ["course", "school"]
    autocomplete_fields = ["course", "company", "department", "teachers"]
    date_hierarchy = "start_date"


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Who subscribes to which calendar; the secret token itself is not shown."""

    list_display = ["user", "kind", "company", "created_at", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "company__name"]
    list_select_related = ["user", "company"]
    exclude = ["token"]
    readonly_fields = ["user", "kind", "company"]

    def has_add_permission(self, request):
        return False


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["employee", "course_block", "status", "plan_activity"]
    list_filter = ["status"]
    search_fields = ["employee__name", "course_block__reference", "course_block__course__number"]
    list_select_related = ["employee", "course_block__course", "plan_activity"]
    autocomplete_fields = ["employee", "course_block", "plan_activity"]
