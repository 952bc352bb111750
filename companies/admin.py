from django.contrib import admin

from .models import (
    BlackoutWeek,
    CertificateType,
    Company,
    Contact,
    Employee,
    EmployeeCertificate,
    EmployeeGroup,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class EmployeeGroupInline(admin.TabularInline):
    model = EmployeeGroup
    extra = 0


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "sector", "size_band", "is_public", "city"]
    list_filter = ["sector", "size_band", "is_public"]
    search_fields = ["name", "cvr", "city"]
    inlines = [ContactInline, EmployeeGroupInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "role", "email", "phone"]
    list_filter = ["role"]
    search_fields = ["name", "email", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(EmployeeGroup)
class EmployeeGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "company"]
    search_fields = ["name", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "job_title", "group", "education_level", "active"]
    list_filter = ["active", "education_level"]
    search_fields = ["name", "job_title", "company__name"]
    list_select_related = ["company", "group"]
    autocomplete_fields = ["company", "group"]


@admin.register(BlackoutWeek)
class BlackoutWeekAdmin(admin.ModelAdmin):
    list_display = ["company", "iso_year", "iso_week", "note"]
    list_filter = ["iso_year"]
    search_fields = ["company__name", "note"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "validity_months", "renewing_course"]
    search_fields = ["name", "renewing_course__number", "renewing_course__title"]
    list_select_related = ["renewing_course"]
    autocomplete_fields = ["renewing_course"]


@admin.register(EmployeeCertificate)
class EmployeeCertificateAdmin(admin.ModelAdmin):
    list_display = ["type", "employee", "issued_on", "expires_on", "source"]
    list_filter = ["type", "source"]
    search_fields = ["employee__name", "type__name"]
    list_select_related = ["type", "employee"]
    raw_id_fields = ["employee"]
