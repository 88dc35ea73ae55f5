"""gunicorn settings for ``gunicorn search_api.wsgi:app -c gunicorn.conf.py``.

Override any of them on the command line or with GUNICORN_CMD_ARGS (gunicorn's own).
"""

import multiprocessing

bind = "127.0.0.1:8000"
# One worker per core; a few threads each (every thread gets its own Whoosh searcher).
workers = multiprocessing.cpu_count()
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 10
keepalive = 5
accesslog = "-"
# Requests with an oversized line or headers are refused before they reach the app.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
