"""paperdb.output.indented_json writes what json.dumps(indent=2, ensure_ascii=False) writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from paperdb.output import indented_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers(), inner, min_size=1, max_size=2)
    ),  # keys json turns into text
    max_leaves=20,
)


@settings(max_examples=300)
@given(VALUES, st.sampled_from(["", "  ", "    "]))
def test_indented_json_is_json_dumps(value: Any, pad: str) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + pad)
    assert indented_json(value, pad) == expected


def test_indented_json_of_a_paper_like_row() -> None:
    row = {"id": 1, "title": '量化 "β"\n', "code": [], "tags": {}, "n": 1.5, "ok": False}
    assert indented_json([row]) == json.dumps([row], indent=2, ensure_ascii=False)
