from django.contrib import admin

from .models import CompetenceGoal, CompetencePlan, PlanActivity, PlanComment


class CompetenceGoalInline(admin.TabularInline):
    model = CompetenceGoal
    extra = 0


@admin.register(CompetencePlan)
class CompetencePlanAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "partnership", "status", "period_start", "period_end"]
    list_filter = ["status", "partnership__lead_school"]
    search_fields = ["title", "partnership__title", "partnership__company__name"]
    list_select_related = ["partnership__company"]
    autocomplete_fields = ["partnership", "previous_version", "created_by", "approved_by"]
    inlines = [CompetenceGoalInline]


@admin.register(CompetenceGoal)
class CompetenceGoalAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "position"]
    search_fields = ["title", "plan__title"]
    list_select_related = ["plan"]
    autocomplete_fields = ["plan"]


@admin.register(PlanActivity)
class PlanActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "plan", "amu_course", "days", "planned_start", "planned_end"]
    list_filter = ["kind"]
    search_fields = ["title", "plan__title", "amu_course__number", "amu_course__title"]
    list_select_related = ["plan", "amu_course"]
    autocomplete_fields = ["plan", "amu_course", "goal", "target_groups", "target_employees"]


@admin.register(PlanComment)
class PlanCommentAdmin(admin.ModelAdmin):
    list_display = ["plan", "author", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["body", "plan__title"]
    list_select_related = ["plan", "author"]
    autocomplete_fields = ["plan", "author"]
