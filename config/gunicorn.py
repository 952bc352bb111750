"""gunicorn's settings, one file for every way the web process starts: `make up`
(bin/up), the systemd unit (deploy/systemd/partnerskab-web.service) and the Procfile.

`gunicorn -c config/gunicorn.py config.wsgi`. Read from the environment:
GUNICORN_BIND (default 127.0.0.1:8000, or unix:/run/partnerskab/web.sock) and
WEB_CONCURRENCY (worker processes, default 2).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request may take this long (a large CSV); PDFs are rendered by the Celery worker.
timeout = 60
# On TERM, requests in flight get this long to finish, so a restart or `systemctl stop`
# ends within 10 seconds.
graceful_timeout = 8
# The proxy on the same machine (nginx) may say the original scheme and address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# One access line per request comes from the application (core/request_log.py), with the
# request and user ids; gunicorn's own would repeat it. Its error log goes to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's control socket would live in the home directory, which the systemd unit
# makes read-only; nothing here uses it.
control_socket_disable = True
