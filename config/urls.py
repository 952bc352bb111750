from django.contrib import admin
from django.urls import include, path

from core.health import healthz
from home import views as home_views

# A database outage answers 503 "briefly unavailable" instead of the generic error page.
handler500 = "core.errors.server_error"

admin.site.site_header = "Partnerskab"
admin.site.site_title = "Partnerskab"

urlpatterns = [
    path("", home_views.HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("companies/", include("companies.urls")),
    path("companies/", include("scheduling.record_urls")),
    path("partnerships/", include("partnerships.urls")),
    path("plans/", include("competence_plans.urls")),
    path("schools/", include("schools.urls")),
    path("schools/", include("scheduling.urls")),
    path("reports/", include("reports.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("privacy/", include("privacy.urls")),
    path("people/", include("people.urls")),
    path("notifications/", include("notifications.urls")),
    # Answered by core.health.HealthCheckMiddleware before sessions and login; here so that
    # it can be reversed and the permission matrix names it.
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
