from django import forms
from django.contrib import admin
from django.db import models

from .models import AeTarget, AmuCourse, Department, Fkb, FundingRate, School


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    formfield_overrides = {
        models.URLField: {"form_class": forms.URLField, "assume_scheme": "https"},
    }
    list_display = ["name", "short_name", "city"]
    search_fields = ["name", "short_name", "city"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "school"]
    list_filter = ["school"]
    search_fields = ["name", "school__name"]
    list_select_related = ["school"]


@admin.register(Fkb)
class FkbAdmin(admin.ModelAdmin):
    list_display = ["code", "title"]
    search_fields = ["code", "title"]


@admin.register(AmuCourse)
class AmuCourseAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "duration_days", "fkb", "has_test", "active", "is_sample"]
    list_filter = ["active", "has_test", "is_sample", "fkb"]
    search_fields = ["number", "title", "fkb__code", "fkb__title"]
    list_select_related = ["fkb"]
    autocomplete_fields = ["fkb"]


@admin.register(FundingRate)
class FundingRateAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "veu_per_week",
        "veu_is_estimate",
        "fee_per_week",
        "fee_is_estimate",
        "full_price_per_week",
        "full_price_is_estimate",
    ]


@admin.register(AeTarget)
class AeTargetAdmin(admin.ModelAdmin):
    list_display = ["school", "department", "year", "target"]
    list_filter = ["year", "school"]
    list_select_related = ["school", "department"]
