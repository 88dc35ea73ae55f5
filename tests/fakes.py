"""Small stand-ins for tests that are not about NER (the real model is tested elsewhere)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FakeEntities:
    people: tuple[str, ...]
    places: tuple[str, ...]


class KeywordExtractor:
    """Finds the people and places it is told about, by exact words; counts its calls."""

    def __init__(self, people=("Ann Lee",), places=("Russia", "Bangui")):
        self.people, self.places = tuple(people), tuple(places)
        self.calls = 0

    def extract_many(self, items):
        self.calls += 1
        out = []
        for title, body in items:
            text = f"{title}\n{body}"
            out.append(
                FakeEntities(
                    tuple(p for p in self.people if re.search(rf"\b{p}\b", text)),
                    tuple(p for p in self.places if re.search(rf"\b{p}\b", text)),
                )
            )
        return out


def story(title: str, *paragraphs: str) -> str:
    """A text-dump article."""
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n\n"
