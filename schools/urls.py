from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/import/", views.CatalogueImportView.as_view(), name="catalogue_import"),
    path("rates/", views.FundingRatesView.as_view(), name="funding_rates"),
    path("rates/<int:year>/", views.FundingRateEditView.as_view(), name="funding_rate_edit"),
    path("targets/", views.AeTargetsView.as_view(), name="ae_targets"),
    path("targets/<int:year>/", views.AeTargetsView.as_view(), name="ae_targets_year"),
]
