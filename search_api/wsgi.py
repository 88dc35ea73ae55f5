"""The WSGI entry point: ``gunicorn search_api.wsgi:app``."""

from search_api.app import create_app

try:
    app = create_app()
except ValueError as exc:  # bad settings or a bad synonym file line: say which, and stop
    raise SystemExit(f"archive-search cannot start: {exc}") from None
