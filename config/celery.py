"""The Celery app. Importable before any task exists; tasks live in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("partnerskab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
