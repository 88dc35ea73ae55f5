"""indexer.clean.furniture: page furniture kept out of the article body.

Each kind of furniture found on the news-html pages has a tiny page here: the furniture
sits inside the article, where trafilatura alone keeps it, and ``clean_html`` must drop it
and keep every article paragraph.
"""

from __future__ import annotations

import pytest

from indexer.clean import clean_html
from indexer.clean.furniture import furniture_kind, is_furniture_line, prune_furniture
from indexer.clean.maintext import parse_page

PARAGRAPHS = [
    "The city council voted on Tuesday to approve the budget for the new river bridge, "
    "ending a debate that has lasted for more than two years.",
    "“We finally have a plan that works for everyone,” said the mayor, Anna Petrova, "
    "who had argued for the bridge since her election.",
    "Construction is expected to begin in the spring and to last eighteen months, "
    "according to the city’s engineering department.",
    "Residents of the east bank, who currently drive twenty minutes to cross the river, "
    "welcomed the decision at the meeting.",
]


def article_page(middle: str = "", end: str = "", *, body_class: str = "") -> str:
    """A news page whose article holds ``middle`` after two paragraphs and ``end`` last."""
    first = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    last = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council Approves the River Bridge Budget</title></head>
<body class="{body_class}"><main><article>
<h1>Council Approves the River Bridge Budget</h1>
<div class="article-body">{first}{middle}{last}{end}</div>
</article></main></body></html>"""


def pruned_text(html: str) -> str:
    """The page's text after ``prune_furniture`` (trafilatura drops some furniture itself
    on a tiny page; on real pages its fallback engines put it back, so the pruning is
    tested on the tree as well)."""
    tree = parse_page(html)
    assert tree is not None
    assert prune_furniture(tree)
    return tree.text_content()


def body_of(html: str) -> str:
    body = clean_html(html).body
    for paragraph in PARAGRAPHS:
        assert paragraph in body  # no article text lost
    return body


# --- furniture found by its class or id ----------------------------------------------


def test_newsletter_box_inside_the_article_is_dropped():
    box = """<div class="slice-container newsletterForm-inbody">
<div class="newsletter-form__wrapper">
<h2 class="newsletter-form__header">The Courier Daily</h2>
<p class="newsletter-form__strapline">The best of the week, picked by our editors,
every Friday morning.</p></div></div>"""
    html = article_page(middle=box)
    for text in (body_of(html), pruned_text(html)):
        assert "picked by our editors" not in text
        assert "The Courier Daily" not in text


def test_related_story_card_after_the_article_is_dropped():
    card = """<div class="more-about__container"><a class="more-about__cardItem" href="/b">
<p>Bridge plans delayed again as the funding row between the council and the region
drags into its third winter</p></a></div>"""
    html = article_page(end=card)
    for text in (body_of(html), pruned_text(html)):
        assert "Bridge plans delayed" not in text


def test_pop_up_overlay_is_dropped_however_long():
    popup_text = " ".join(["The academy offers training courses for officer cadets."] * 30)
    popup = (
        '<div class="pum pum-overlay popmake-overlay"><div class="pum-content">'
        f"<p>{popup_text}</p></div></div>"
    )
    body = body_of(article_page(end=popup))
    assert "officer cadets" not in body


def test_caption_and_photo_credit_are_dropped():
    figure = """<div class="summary-credit"><p class="summary">The mayor at the river bank on
Monday. <span class="credit">By COURIER STAFF</span></p></div>
<figure><img src="bridge.jpg">
<figcaption>The old bridge, closed since 2019.</figcaption></figure>"""
    body = body_of(article_page(middle=figure))
    assert "river bank on Monday" not in body
    assert "closed since 2019" not in body


def test_a_class_word_that_names_a_state_prunes_nothing():
    # "cookies-not-set" on <body> (and elsewhere) says nothing about the element's text.
    assert furniture_kind("single-post cookies-not-set group-blog") is None
    html = article_page(body_class="cookies-not-set").replace(
        '<div class="article-body">', '<div class="article-body cookies-not-set">'
    )
    body_of(html)


def test_the_article_itself_is_never_pruned_whatever_its_class():
    # A wrapper named "share" or "related" that holds most of the text is the article.
    html = article_page().replace('class="article-body"', 'class="article-body social-share"')
    body_of(html)
    tree = parse_page(html)
    assert tree is not None
    assert prune_furniture(tree) == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("newsletter-form__wrapper", "furniture"),
        ("wp-caption-text", "caption"),
        ("relatedStories", "furniture"),
        ("more-about__card --related", "furniture"),
        ("pum pum-overlay", "overlay"),
        ("article-body", None),
        ("shareholders-report", None),  # a word must match whole, not a prefix
        ("", None),
    ],
)
def test_furniture_kind(value, kind):
    assert furniture_kind(value) == kind


# --- furniture found by its words ------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        # newsletters, sign-ups, apps, donations
        "Courier Newsletter",
        "Sign up for our newsletter",
        "Do you want to be informed of our actions? Sign up here",
        "Subscribe now to our digital edition for the full story.",
        "For the latest stories and breaking news updates download the Courier apps for "
        "iOS and Android.",
        "We need your help\nHelp us continue to bring the news to readers everywhere\nDonate",
        "Never miss the latest news by signing up to our newsletter today!",
        # paywall notices
        "To view the full story, please subscribe to The Courier.",
        "If you’re seeing this message but you’re already a subscriber, you can log in for "
        "immediate access to this story.",
        # sharing
        "Share this article",
        "Share on Facebook",
        "Follow us on Twitter and Instagram",
        "Follow The Courier on Twitter @courier and on Facebook. Send us a message.",
        # comments, letters, disclosures
        "View Comments",
        "Submit your letter to the editor via this form",
        "We want to hear what you think about this article.",
        "This post contains references to products from one or more of our advertisers.",
        "We recommend the best products through an independent review process. We may "
        "receive compensation if you visit partners we recommend.",
        # teasers
        "Read more: Bridge plans delayed again",
        "Related: Mayor promises faster decisions",
        "You may also like",
        # cookie notices
        "We use cookies to give you the best experience on our website.",
        "This site uses cookies. By continuing to browse you agree to our use of cookies.",
        # captions and credits
        "(Credit: Jane Roe / Courier)",
        "Photo: Jane Roe/Courier",
        "Photo Source: John Doe from a stock library.",
        # copyright and page updates
        "© 2020 The Riverside Courier. All rights reserved.",
        "Copyright 2021 Courier Media Ltd",
        "© 2022, Courier.com. This article is the copyrighted property of the Courier. "
        "Written permission must be obtained before reprint in online or print media.",
        "News date : 04/21/2022 Category : Press Releases",
        "Tags: bridge, council, budget",
        "story.html - Created 03-10-2004 2:20pm - Last Modified: 03-10-2004 2:20pm",
    ],
)
def test_furniture_lines_are_dropped(line):
    html = article_page(end=f"<p>{line}</p>")
    body = body_of(html)
    assert line.split("\n")[0] not in body
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        # Article sentences that mention the same things stay.
        "The council’s newsletter, sent to every household, announced the vote a week early.",
        "Residents can sign up for guided walks over the bridge site at the town hall.",
        "Copyright lawyers said the bridge’s design could not be protected.",
        "The photographer, who has documented the river for decades, was at the meeting.",
        "Share prices of the construction firm rose 4 percent after the vote.",
        "Related costs, such as new roads on the east bank, are not in the budget.",
        "Users can download the app from the store, the company said.",
        "The judge put the case in one category: fraud.",
        "Smith was already a member of the board when the scandal broke.",
        "We test all products for safety, the regulator said.",
        "Follow the river on foot and you reach the old bridge in an hour.",
        # A long paragraph is article text whatever it starts with.
        "Subscribe, the mayor joked, and you will hear about every delay: the council "
        "has promised monthly updates on the bridge, its costs and its timetable, and the "
        "first of them will be published in April, before the spring works begin on the "
        "east bank of the river.",
    ],
)
def test_article_sentences_about_the_same_things_stay(line):
    html = article_page(end=f"<p>{line}</p>")
    assert line in clean_html(html).body
    assert not is_furniture_line(line)


def test_captions_of_a_gallery_are_its_story():
    slides = "".join(
        f'<figure class="slide"><img src="{n}.jpg"><figcaption class="slide-caption">'
        f"<p>{p}</p></figcaption></figure>"
        for n, p in enumerate(PARAGRAPHS)
    )
    html = f"""<html><head><title>Bridge in pictures</title></head><body><article>
<h1>The River Bridge in Pictures</h1><p>Two years of debate, in pictures.</p>
<div class="gallery">{slides}</div></article></body></html>"""
    tree = parse_page(html)
    assert tree is not None
    assert prune_furniture(tree) == []  # a caption alone is small; all of them are the story
    for paragraph in PARAGRAPHS:
        assert paragraph in clean_html(html).body


def test_a_paragraph_also_outside_the_furniture_stays():
    # The lead repeated in a share box (a common "description" widget) is still the lead.
    share = f'<div class="share-box"><p>{PARAGRAPHS[0]}</p><a href="#">Share</a></div>'
    body_of(article_page(end=share))
