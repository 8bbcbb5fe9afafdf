"""The parse benchmark runs end to end on a small catalog."""

from __future__ import annotations

import pytest

from joorsync.joor.bench import iter_pages, run_parse_bench


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bench_shape_and_all_styles_parsed(fmt: str) -> None:
    result = run_parse_bench(styles=50, fmt=fmt, page_size=20)
    assert result["styles"] == 50 and result["parsed"] == 50 and result["problems"] == 0
    assert result["format"] == fmt and result["pages"] == 3
    assert result["seconds"] > 0 and result["styles_per_s"] > 0
    assert 0 < result["peak_mb"] < 50
    assert result["ru_maxrss_mb"] > 0


def test_pages_are_generated_lazily_and_deterministically() -> None:
    pages = iter_pages(styles=5, fmt="json", page_size=2)
    assert not isinstance(pages, list)
    first = list(pages)
    assert [count for count, _ in first] == [2, 2, 1]
    assert first == list(iter_pages(styles=5, fmt="json", page_size=2))
    assert b'"next_start":2' in first[0][1] and b"next_start" not in first[-1][1]


def test_bench_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        run_parse_bench(styles=10, fmt="csv")
    with pytest.raises(ValueError):
        run_parse_bench(styles=0, fmt="json")


def test_peak_memory_does_not_grow_with_the_catalog() -> None:
    small = run_parse_bench(styles=40, fmt="json", page_size=20)
    large = run_parse_bench(styles=400, fmt="json", page_size=20)
    assert large["parsed"] == 400 and large["pages"] == 20
    assert large["peak_mb"] <= small["peak_mb"] * 1.25 + 0.05
