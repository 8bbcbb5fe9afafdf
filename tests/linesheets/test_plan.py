"""The pure rules of the linesheet pass: membership three-way, fewest moves, exclusions, the gate."""

import random

import pytest

from joorsync.linesheets.plan import (
    attrs_changes,
    collection_handle,
    linesheet_refusals,
    linesheets_from_snapshots,
    lookup_terms,
    membership_plan,
    metafield_inputs,
    order_agreed,
    reorder_moves,
    title_change,
)


def _apply(current, moves):
    work = list(current)
    for item, position in moves:
        work.remove(item)
        work.insert(min(position, len(work)), item)
    return work


@pytest.mark.parametrize("seed", range(40))
def test_moves_reach_the_target_with_one_move_per_item_out_of_place(seed):
    rng = random.Random(seed)
    items = [f"p{i}" for i in range(rng.randrange(1, 30))]
    current = rng.sample(items, len(items))
    target = rng.sample(items, len(items))
    moves = reorder_moves(current, target)
    assert _apply(current, moves) == target
    assert len({item for item, _ in moves}) == len(moves)  # nothing moves twice


def test_one_product_moved_to_the_front_is_one_move():
    assert reorder_moves(["a", "b", "c", "d"], ["d", "a", "b", "c"]) == [("d", 0)]
    assert reorder_moves(["a", "b", "c"], ["a", "b", "c"]) == []


def test_membership_removes_only_what_the_sync_placed_and_puts_back_what_the_owner_still_lists():
    plan = membership_plan(base=["a", "b", "c"], wanted=["c", "a", "d"], current=["a", "x", "c"])
    assert plan.add == ["d"]
    assert plan.remove == []  # b is not there any more; x was added by someone else and stays
    assert plan.final == ["c", "a", "d", "x"]
    plan = membership_plan(base=["a", "b"], wanted=["a", "b"], current=["a"])
    assert plan.add == ["b"] and plan.put_back == ["b"]
    plan = membership_plan(base=["a", "b"], wanted=["a"], current=["a", "b"])
    assert plan.remove == ["b"] and plan.add == [] and plan.moves == []


def _row(pid, number, deliveries, colors=("C1", "C2")):
    return {
        "product_id": pid,
        "style_number": number,
        "deliveries": deliveries,
        "colors": [{"color_code": c} for c in colors],
    }


def test_linesheets_follow_display_order_and_leave_out_a_style_with_every_color_excluded():
    def d(order, excluded=()):
        return {
            "delivery_name": "Spring",
            "delivery_code": "SP",
            "style_display_order": order,
            "date_delivery_start": "2026-01-15",
            "color_exclusions": [{"color_code": c, "color_name": c.lower()} for c in excluded],
        }

    sheets = linesheets_from_snapshots(
        [
            _row("p1", "S1", [d(30)]),
            _row("p2", "S2", [d(10, ["C1"])]),
            _row("p3", "S3", [d(20, ["C1", "C2"])]),
            _row("p4", "S4", [d(None)]),
        ]
    )
    sheet = sheets["SP"]
    assert sheet.members() == ["p2", "p1", "p4"]
    attrs = sheet.attrs()
    assert attrs["title"] == "Spring" and attrs["ship_start"] == "2026-01-15"
    assert attrs["color_exclusions"] == [
        {"product_id": "p2", "style_number": "S2", "colors": [{"code": "C1", "name": "c1"}]}
    ]


def test_the_gate_never_blanks_and_refuses_a_nameless_delivery():
    write, kept = attrs_changes(
        base={"title": "A", "cancel_date": "2026-01-01"}, wanted={"title": "B", "cancel_date": ""}
    )
    assert write == {"title": "B"} and kept == ["cancel_date"]
    inputs = metafield_inputs({"ship_start": "2026-01-01", "season": ""})
    assert inputs == [{"namespace": "joor", "key": "ship_start", "type": "date", "value": "2026-01-01"}]
    sheets = linesheets_from_snapshots([_row("p1", "S1", [{"delivery_code": "X", "date_cancel": "soon"}])])
    assert [r.code for r in linesheet_refusals(sheets["X"])] == ["bad_date"]


@pytest.mark.parametrize(
    ("base", "wanted", "current", "expected"),
    [
        ("Fall", "Fall", "Fall", (None, False)),  # nothing renamed
        ("Fall", "Fall", "Autumn", (None, False)),  # a person's rename stays while JOOR keeps its name
        ("Fall", "Fall 2", "Fall", ("Fall 2", False)),  # JOOR renamed: written
        ("Fall", "Fall 2", "Fall 2", (None, False)),  # both the same already
        ("Fall", "Fall 2", "Autumn", (None, True)),  # both renamed: the person's title is kept
        (None, "Fall 2", "Autumn", ("Fall 2", False)),  # no agreed title yet: JOOR's
        ("Fall", "", "Fall", (None, False)),  # never blanked
    ],
)
def test_title_three_way(base, wanted, current, expected):
    assert title_change(base=base, wanted=wanted, current=current) == expected


def test_order_agreed_looks_at_the_agreed_products_of_the_first_page_only():
    agreed = ["a", "b", "c"]
    assert order_agreed(["a", "b", "c", "x"], agreed, page_size=250)  # a person's product after them
    assert not order_agreed(["b", "a", "c"], agreed, page_size=250)
    assert not order_agreed(["a", "b"], agreed, page_size=250)  # one gone, another in its place
    assert order_agreed(["a", "b"], agreed, page_size=2)  # beyond the page: not compared
    assert order_agreed([], [], page_size=250)


def test_lookup_terms_name_the_derived_handle_and_the_quoted_title():
    assert collection_handle("  Summer '16 Basic Women ") == "summer-16-basic-women"
    assert collection_handle("best_selling Ünïcode") == "best_selling-ünïcode"
    assert lookup_terms('Say "hi" \\ now') == ["handle:say-hi-now", 'title:"Say \\"hi\\" \\\\ now"']
    assert lookup_terms("") == []
