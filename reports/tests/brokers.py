"""Point the Celery app at a given Redis for one test, and back again afterwards."""

from contextlib import contextmanager


def _drop_connections(app) -> None:
    # The app caches its connection and producer pools for the broker it first used;
    # without this, tasks would still go to the previous test's broker. (kombu keeps one
    # pool per broker address, shared by all, so they are dropped here, not closed.)
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@contextmanager
def celery_against(url: str):
    from config.celery import app

    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager")}
    _drop_connections(app)
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        yield app
    finally:
        _drop_connections(app)
        app.conf.update(saved)
