"""Hypothesis strategies the platforms' parsing tests share."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Any JSON value a parser may meet where it expects something else, nested a few levels.
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
