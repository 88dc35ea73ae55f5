"""Quotations in an article, and who said them.

Public: ``Quote`` (one quotation: its words, its speaker, where it stands in the body),
``find_quotes(body, people)`` (every quotation of an article body, attributed) and
``QUOTE_VERBS`` (the verbs that report speech: "said", "added", "told", ...).

The modules, one per step below: ``marks`` (1: finding quotations), ``verbs`` (2),
``speakers`` (3: resolving speakers), ``attribution`` (4, and ``find_quotes``); ``model``
holds the shapes they pass on, ``words`` the word lists (``indexer/data/quotes.toml``);
names are ``indexer.names``'s.

How it works, paragraph by paragraph (news style is formulaic enough for rules; the
spaCy parser would cost more than the whole NER pass):

1. Quotation marks are paired: curly ``“…”``, straight ``"…"`` (an opening mark follows a
   space or the paragraph start) and, where a paragraph has no double quotes, curly single
   ``‘…’``. An opening mark left open at the end of a paragraph continues into the next
   paragraph when that one opens with a quotation mark (news style for a long quotation).
2. Speech verbs are found in the text *outside* quotations, and each gets its subject:
   the words before it back to a clause boundary ("government spokesman Ange Maxime
   Kazagui said"; "Smith, the spokesman, said" skips the apposition), or the words after
   it for an inverted "said Smith"; "according to X"; a participle ("adding", "noting")
   takes the subject of the sentence's finite verb.
3. A subject becomes a speaker: "he"/"she" is the person the sentence before was about,
   else the last named speaker; a name is linked to the article's canonical people (a
   surname or a titled name to the full name); "the president" is the person the article
   called "President X"; "the company"/"the exchange" the organisation it introduced; an
   organisation goes by the fullest name the article gives ("Deutsche Bank AG"); "the
   statement" speaks for whoever issued it, else for no one; "a spokesman for the UN
   force" stays unnamed, in the article's words.
4. Each quotation takes the first speech verb after it in its sentence, else the last one
   before it; a whole-sentence quotation with no verb of its own takes the speaker before
   it in its paragraph; a paragraph that opens with a quotation of no one named continues
   the previous paragraph's speaker. ``Quote.basis`` records which of these applied.

Quotations of one word (scare quotes, terms) are dropped, unless a lower-case word said by
a speech verb of its own sentence ("was “difficult”"); so are unattributed ones shorter than
``MIN_UNATTRIBUTED_WORDS`` words and unattributed ones in Title Case (titles of works).
"""

from indexer.quotes.attribution import find_quotes
from indexer.quotes.model import Quote
from indexer.quotes.words import QUOTE_VERBS

__all__ = ["QUOTE_VERBS", "Quote", "find_quotes"]
