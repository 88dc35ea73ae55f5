"""The wire shapes (search_api/responses.py): what the JSON handler writes, and the schemas
``json_schema`` derives for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Literal

import falcon
import orjson
import pytest

from indexer.settings import Settings
from search_api.app import create_app
from search_api.responses import ArticleRecord, Doc, json_schema


@pytest.fixture(scope="module")
def write_json(tmp_path_factory):
    app = create_app(Settings(index_dir=tmp_path_factory.mktemp("none")))
    handler = app.resp_options.media_handlers[falcon.MEDIA_JSON]
    return lambda media: orjson.loads(handler.serialize(media, falcon.MEDIA_JSON))


@pytest.mark.parametrize(
    "when",
    [
        None,
        datetime(2020, 10, 22),
        datetime(2020, 10, 22, 7, 30, 0, 123456),
        datetime(2020, 10, 22, 7, 30, tzinfo=UTC),
        datetime(2020, 10, 22, 7, 30, tzinfo=timezone(timedelta(hours=3))),
    ],
)
def test_a_body_is_its_dataclass_every_field_dates_as_isoformat(write_json, when):
    record = ArticleRecord(
        "a", "T", "B", None, when, None, ["Ann Lee"], "World", ["P"], [], "a.jsonl"
    )
    assert write_json(record) == {
        "id": "a",
        "title": "T",
        "body": "B",
        "url": None,
        "date": when.isoformat() if when else None,
        "author": None,
        "authors": ["Ann Lee"],
        "section": "World",
        "people": ["P"],
        "places": [],
        "source": "a.jsonl",
    }


@dataclass(frozen=True)
class Inner:
    """An inner shape.

    More about it, not in the schema.
    """

    n: int


@dataclass(frozen=True)
class Outer:
    pair: tuple[str, list[str]]
    kinds: Literal["a", "b"]
    maybe: Annotated[Inner | None, Doc("Sometimes.")]
    by_name: dict[str, float]
    values: tuple[int, ...]
    either: str | int | None = None


def test_json_schema_walks_the_type_hints():
    components: dict[str, dict] = {}
    assert json_schema(Outer, components) == {"$ref": "#/components/schemas/Outer"}
    assert components["Outer"] == {
        "type": "object",
        "required": ["pair", "kinds", "maybe", "by_name", "values", "either"],
        "properties": {
            "pair": {
                "type": "array",
                "items": {
                    "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
                },
                "minItems": 2,
                "maxItems": 2,
            },
            "kinds": {"type": "string", "enum": ["a", "b"]},
            "maybe": {
                "anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}],
                "description": "Sometimes.",
            },
            "by_name": {"type": "object", "additionalProperties": {"type": "number"}},
            "values": {"type": "array", "items": {"type": "integer"}},
            "either": {"type": ["string", "integer", "null"]},
        },
    }
    assert components["Inner"] == {
        "type": "object",
        "description": "An inner shape.",
        "required": ["n"],
        "properties": {"n": {"type": "integer"}},
    }


def test_json_schema_refuses_a_type_it_cannot_describe():
    with pytest.raises(TypeError, match="no JSON Schema"):
        json_schema(set[str], {})
