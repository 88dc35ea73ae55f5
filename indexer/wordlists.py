"""Word lists shipped as data files: ``indexer/data/<name>.toml``, each read once.

A file holds one TOML string per list, its words separated by white space, with a comment
saying what the list is for; ``word_lists(name)`` returns them as tuples in file order.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def word_lists(name: str) -> dict[str, tuple[str, ...]]:
    """The word lists of ``indexer/data/<name>.toml``, keyed by list name.

    Args:
        name: the file's name without ``.toml`` (``"names"``, ``"quotes"``).

    Returns:
        List name -> its words, in file order.
    """
    text = resources.files("indexer").joinpath("data", f"{name}.toml").read_text("utf-8")
    return {key: tuple(str(value).split()) for key, value in tomllib.loads(text).items()}
