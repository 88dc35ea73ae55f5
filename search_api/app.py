"""The composition root: ``create_app(settings=None, engine=None) -> falcon.App``."""

from __future__ import annotations

import functools

import falcon
import orjson
from falcon import media

from indexer.settings import Settings
from indexer.store import IndexUnavailable
from search_api import errors
from search_api.caching import GenerationCache
from search_api.engine import Engine
from search_api.openapi import OpenAPIResource
from search_api.query import QueryError
from search_api.querylog import QueryLog, QueryLogMiddleware
from search_api.resources.articles import ArticleResource, RelatedResource
from search_api.resources.health import HealthResource
from search_api.resources.opensearch import OpenSearchResource
from search_api.resources.pages import SearchPageResource
from search_api.resources.quotes import QuotesResource
from search_api.resources.reading import ReadPageResource
from search_api.resources.search import SearchResource
from search_api.resources.static import StaticResource
from search_api.resources.suggest import SuggestResource


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> falcon.App:
    """Wire settings, engine and resources into a Falcon WSGI app."""
    settings = settings or Settings.from_env()
    # A bad synonym file raises SynonymError here: start-up stops with its message.
    engine = engine or Engine(
        settings.index_dir,
        synonyms_path=settings.synonyms,
        recency_half_life_days=settings.recency_half_life_days,
        recency_floor=settings.recency_floor,
    )
    cors = settings.cors_origins
    middleware = [GenerationCache(engine, vary_origin=bool(cors))]
    if settings.query_log is not None:
        # Before the cache: it times and logs answers the cache replays as well.
        middleware.insert(0, QueryLogMiddleware(QueryLog(settings.query_log)))
    if cors:
        # Falcon's own CORS middleware: an origin not on the list gets no
        # Access-Control-Allow-Origin header.
        allow = "*" if "*" in cors else list(cors)
        middleware.insert(0, falcon.CORSMiddleware(allow_origins=allow))
    app = falcon.App(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = True
    # An empty parameter (`to=` from a date form left blank) means "not given".
    app.req_options.keep_blank_qs_values = False
    # orjson: several times faster than the stdlib for search responses.
    json_handler = media.JSONHandler(
        dumps=functools.partial(orjson.dumps, option=orjson.OPT_NON_STR_KEYS),
        loads=orjson.loads,
    )
    app.resp_options.media_handlers.update({falcon.MEDIA_JSON: json_handler})
    app.req_options.media_handlers.update({falcon.MEDIA_JSON: json_handler})
    app.set_error_serializer(errors.serialize_error)
    app.add_error_handler(Exception, errors.handle_unexpected)
    app.add_error_handler(QueryError, errors.handle_query_error)
    app.add_error_handler(IndexUnavailable, errors.handle_index_unavailable)
    app.add_route("/", SearchPageResource(engine, settings.default_sort))
    app.add_route("/health", HealthResource(engine))
    app.add_route("/search", SearchResource(engine, settings.default_sort))
    app.add_route("/suggest", SuggestResource(engine))
    app.add_route("/quotes", QuotesResource(engine))
    app.add_route("/widget.js", StaticResource("widget.js"))
    app.add_route("/widget.css", StaticResource("widget.css"))
    app.add_route("/static/{name}", StaticResource())
    app.add_route("/opensearch.xml", OpenSearchResource(settings.public_url))
    app.add_route("/openapi.json", OpenAPIResource())
    read_page = ReadPageResource(engine)
    app.add_route("/read/{article_id:path}", read_page)
    articles = ArticleResource(engine, page=read_page, related=RelatedResource(engine))
    app.add_route("/articles/{article_id:path}", articles)
    return app
