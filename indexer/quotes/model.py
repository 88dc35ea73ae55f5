"""What the quotation finder passes between its steps, and what it returns.

``Quote`` is the result (public); ``Speaker``, ``Piece`` (a quoted stretch of one
paragraph), ``Event`` (a speech verb and its subject) and ``State`` (what an article has
said so far) are the package's working shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quote:
    """One quotation.

    Attributes:
        text: the quoted words, white space normalised, without the quotation marks.
        speaker: who said it: a canonical person's name, an organisation or the article's
            words for an unnamed speaker; None when the article does not say.
        kind: ``"person"``, ``"org"``, ``"unnamed"`` or ``"unknown"``.
        spans: ``(start, end)`` character offsets in the body of the quoted words, one per
            paragraph the quotation runs through.
        basis: how the speaker was found ("verb-after/linked", "continuation/pronoun", …),
            for evaluation and debugging.
    """

    text: str
    speaker: str | None
    kind: str
    spans: tuple[tuple[int, int], ...]
    basis: str = field(default="", compare=False)

    @property
    def start(self) -> int:
        """Where the quoted words start in the body."""
        return self.spans[0][0]

    @property
    def end(self) -> int:
        """Where the quoted words end in the body."""
        return self.spans[-1][1]


@dataclass(frozen=True)
class Speaker:
    name: str
    kind: str  # person, org, unnamed
    via: str = field(default="", compare=False)  # how the subject became this speaker


@dataclass
class Piece:
    """A quoted stretch of one paragraph (marks are relative to the paragraph)."""

    para: int
    open: int
    close: int | None  # None: open to the paragraph end
    inner: tuple[int, int]  # the quoted words, relative to the paragraph
    joins: bool = False  # continues the quotation of the piece before it
    speaker: Speaker | None = None
    own: bool = False  # attributed by a verb of its own sentence
    route: str = ""  # how the piece got its speaker: verb-after, continuation, …


@dataclass
class Event:
    """A speech verb outside the quotations and its subject."""

    start: int
    end: int
    participle: bool
    subject: str | None = None  # the subject's words (a participle's: its sentence's)
    speaker: Speaker | None = None
    sentence: int = 0  # a participle's: where its sentence starts


@dataclass
class State:
    people: list[tuple[str, ...]]
    folded: dict[str, tuple[str, ...]]  # fold(name) -> the canonical name's tokens
    text: str = ""  # the body, for "the president" -> "President Saakashvili"
    upto: int = 0  # where the speech verb being resolved stands in the body
    last_person: Speaker | None = None
    last_org: Speaker | None = None
    first_person: str | None = None  # the article's first-named person, its subject as a rule
