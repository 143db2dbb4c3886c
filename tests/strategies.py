"""Hypothesis profiles and text strategies for the reliability property tests.

Profiles: ``default`` (modest, for CI) and ``long`` (``pytest --hypothesis-profile=long``
for a deeper run). Registered when conftest imports this module.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile("default")

# Characters real lists (and broken files) contain, and those that break naive code:
# CJK, right-to-left text and marks, emoji with joiners, NUL and other controls, every
# newline flavour, markdown punctuation, Arabic-Indic digits that `\d` would match.
SPECIAL = [
    "量化",
    "剪枝",
    "蒸馏",
    "論文",
    "مرحبا",
    "\u202e",
    "\u200f",
    "😀",
    "👩‍🔬",
    "\x00",
    "\x1b[31m",
    "\x07",
    "\r\n",
    "\r",
    "\n",
    "\u2028",
    "\t",
    "|",
    "[",
    "]",
    "(",
    ")",
    "*",
    "_",
    "`",
    "#",
    "-",
    "1.",
    ">",
    "<div>",
    "</div>",
    "\\",
    "$",
    "【",
    "】",
    "٢٠١٩",
    "２０１９",
    "\ufeff",
    "https://arxiv.org/abs/1803.03635",
    "2019-ICLRo-",
    "**[BNN]**",
    ", NeurIPS 2020",
]

any_text = st.one_of(
    st.text(),
    st.lists(st.one_of(st.sampled_from(SPECIAL), st.text(max_size=8)), max_size=40).map("".join),
)
"""Arbitrary text, biased toward characters that matter to markdown and to regexes."""

# One line of item text that markdown reads as a paragraph: it starts with a letter (not a
# marker, fence, heading, HTML tag or indentation), and holds no newline.
_INLINE = st.one_of(
    st.sampled_from([s for s in SPECIAL if "\n" not in s and "\r" not in s and s != "\u2028"]),
    st.text(
        st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"], blacklist_characters="|"),
        max_size=12,
    ),
)
item_text = st.tuples(
    st.sampled_from(list("AbZq量حé")), st.lists(_INLINE, max_size=12).map("".join)
).map(
    lambda parts: (
        (parts[0] + parts[1])
        .replace("\r", " ")
        .replace("\n", " ")
        .replace("\u2028", " ")
        .replace("\u2029", " ")
        .replace("\x0b", " ")
        .replace("\x0c", " ")
        .replace("\x1c", " ")
        .replace("\x1d", " ")
        .replace("\x1e", " ")
        .replace("\x85", " ")
    )
)

huge_line = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["a", "[", "(", "|", "*", "量"]),
    st.integers(1_000, 300_000),
)
