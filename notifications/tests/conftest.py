import pytest


@pytest.fixture(autouse=True)
def _eager(eager_tasks):
    """The e-mails these tests read are sent by a Celery task: run it here, also on the
    CI pass that has a Redis broker (and no worker)."""
