from django.contrib import admin

from .models import ActionItem, Experience, Meeting, Partnership, Theme


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    autocomplete_fields = ["owner", "partnership"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "company",
        "lead_school",
        "coordinator",
        "status",
        "start_date",
        "end_date",
    ]
    list_filter = ["status", "lead_school", "company__sector"]
    search_fields = ["title", "company__name", "company__cvr", "coordinator__username"]
    list_select_related = ["company", "lead_school", "coordinator"]
    autocomplete_fields = [
        "company",
        "lead_school",
        "other_schools",
        "coordinator",
        "agreement_approved_by",
    ]
    date_hierarchy = "start_date"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "partnership", "starts_at", "place"]
    list_filter = ["kind", "schools"]
    search_fields = [
        "title",
        "agenda",
        "minutes",
        "partnership__title",
        "partnership__company__name",
    ]
    list_select_related = ["partnership"]
    autocomplete_fields = [
        "partnership",
        "schools",
        "organiser",
        "participants",
        "contact_participants",
    ]
    date_hierarchy = "starts_at"
    inlines = [ActionItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "due_date", "done", "partnership", "meeting"]
    list_filter = ["done"]
    search_fields = ["title", "owner__username", "partnership__title"]
    list_select_related = ["owner", "partnership", "meeting"]
    autocomplete_fields = ["owner", "partnership", "meeting"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Experience)
class ExperienceAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "school", "visibility", "created_at"]
    list_filter = ["visibility", "school", "themes"]
    search_fields = ["title", "body"]
    list_select_related = ["author", "school"]
    autocomplete_fields = ["author", "school", "partnership", "meeting", "themes"]
