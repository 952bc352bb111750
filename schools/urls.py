from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/import/", views.CatalogueImportView.as_view(), name="catalogue_import"),
]
