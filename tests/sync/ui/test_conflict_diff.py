"""The conflict page's inline diff: exact marks on small values, and a bounded amount of work however
long or different the values are (a long one is shown whole, with a note, instead of timing out)."""

from __future__ import annotations

import html
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joorsync.sync.ui import diff
from joorsync.sync.ui.diff import MAX_DIFF_WORK, TOO_LONG_NOTE, highlight, highlight_text, matched_tokens
from tests.sync.jobs_support import make_conflict, make_link

LONG = 140 * 1024


def marked(h: diff.Highlight) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", h.html, re.S)


def long_text(seed: int, size: int = LONG) -> str:
    rng = random.Random(seed)
    words = ["wool", "coat", "silk", "dress", "the", "a", "blue", "red", "<b>", "&", '"']
    out: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(words)
        out.append(word)
        length += len(word) + 1
    return " ".join(out)


def lcs_length(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


def test_small_values_mark_exactly_what_changed():
    h = highlight("Long wool coat, navy", against="wool coat, black")
    assert marked(h) == ["Long ", "navy"]
    assert h.note == "" and html.unescape(re.sub("</?mark>", "", h.html)) == "Long wool coat, navy"


def test_a_removal_marks_nothing_and_whitespace_alone_is_not_marked():
    assert marked(highlight("wool coat", against="warm wool coat")) == []
    assert marked(highlight("wool  coat", against="wool coat")) == []


def test_lists_and_empty_values():
    h = highlight(["wool", "winter", "sale"], against=["wool", "winter"])
    assert marked(h) == [",\n  &quot;sale&quot;"]
    assert highlight(None, against="Coat").html == "<mark>(empty)</mark>"
    assert marked(highlight("Coat", against=None)) == ["Coat"]


def test_marked_text_is_escaped():
    h = highlight("<script>alert(1)</script>", against="plain")
    assert "<script>" not in h.html and "&lt;script&gt;" in "".join(marked(h))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("abc"), max_size=14),
    st.lists(st.sampled_from("abc"), max_size=14),
)
def test_the_unmarked_tokens_are_a_longest_common_subsequence(old, new):
    matched, work = matched_tokens(old, new, budget=MAX_DIFF_WORK)
    assert matched is not None and len(matched) == len(new)
    kept = [t for t, m in zip(new, matched, strict=True) if m]
    remaining = iter(old)
    assert all(t in remaining for t in kept)  # a subsequence of old …
    assert len(kept) == lcs_length(old, new)  # … and a longest one


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["0"] * 1000, ["0", "1"] * 500),  # difflib needs seconds for this one
        ([str(i) for i in range(20_000)], [str(i) for i in reversed(range(20_000))]),
        ([str(i) for i in range(50_000)], [str(-i) for i in range(50_000)]),
    ],
    ids=["repetitive", "reversed", "disjoint"],
)
def test_the_work_never_passes_the_budget(old, new):
    matched, work = matched_tokens(old, new, budget=MAX_DIFF_WORK)
    assert matched is None and work <= MAX_DIFF_WORK


def test_a_140kb_value_with_a_small_edit_is_still_marked_precisely():
    base = long_text(1)
    middle = base.index(" ", LONG // 2)
    edited = f"{base[:middle]} cashmere{base[middle:]}"
    h = highlight(edited, against=base)
    assert h.note == "" and [m.strip() for m in marked(h)] == ["cashmere"]
    assert h.work <= MAX_DIFF_WORK


@pytest.mark.django_db
def test_the_conflict_page_with_140kb_values_is_bounded_and_shows_them_whole(client_in, shop, monkeypatch):
    """Both sides unrelated to the base: the page shows the values in full with the note, and each
    comparison stopped at the budget (before: a quadratic difflib run of about a minute, then a 500)."""
    base, shopify_value, joor_value = long_text(1), long_text(2), long_text(3)
    conflict = make_conflict(
        shop,
        make_link(shop, 1),
        path="description",
        base_value=base,
        shopify_value=shopify_value,
        joor_value=joor_value,
    )
    results: list[diff.Highlight] = []

    def recording(text, *, against):
        results.append(highlight_text(text, against=against))
        return results[-1]

    monkeypatch.setattr("joorsync.sync.ui.views.conflicts.highlight_text", recording)
    response = client_in.get(f"/conflicts/{conflict.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert len(results) == 2 and all(r.work <= MAX_DIFF_WORK for r in results)
    assert body.count(TOO_LONG_NOTE) == 2 and "<mark>" not in body
    assert "<b>" not in body  # the values' own markup stays escaped
    shown = html.unescape(body)
    assert all(value in shown for value in (base, shopify_value, joor_value))


@pytest.mark.django_db
def test_the_conflict_page_still_marks_small_differences(client_in, shop):
    conflict = make_conflict(shop, make_link(shop, 1), base_value="Coat", shopify_value="Wool coat")
    body = client_in.get(f"/conflicts/{conflict.pk}").content.decode()
    assert TOO_LONG_NOTE not in body
    assert re.findall(r"<mark>(.*?)</mark>", body) == ["Wool coat", "Winter coat"]
