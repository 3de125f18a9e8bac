"""The normal form of a text: what two reports of one statement share (claims compare quotes in it, slugs start
from it)."""
from __future__ import annotations

import re
import unicodedata

# an apostrophe between word characters, a dot between letters; the mark comes first in each branch (its own
# lookbehind checks the character before), so the engine jumps to the marks instead of trying a lookbehind
# at every character: same matches as ``(?<=\w)['’‘ʼ`´](?=\w)|(?<=[^\W\d_])\.(?=[^\W\d_])``
JOINERS = re.compile(r"['’‘ʼ`´](?<=\w.)(?=\w)|\.(?<=[^\W\d_]\.)(?=[^\W\d_])")
_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The form two reports of one statement share: case, accents, quote marks, punctuation and spacing removed.

    Args:
        text: a quotation as written, marks included.

    Returns:
        Lower-case words separated by single spaces, e.g. ``'"We will  appeal," he said.'``
        -> ``"we will appeal he said"``.
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = folded.translate(_DROP_COMBINING)  # accents: the combining marks NFKD split off
    folded = JOINERS.sub("", folded)
    # every punctuation character (quote marks included) becomes a word break
    folded = folded.translate(_PUNCT_TO_SPACE)
    return _SPACES.sub(" ", folded).strip()


def _punctuation_table() -> dict[int, str]:
    """Punctuation that ``normalise_text`` turns into a word break and NFKD leaves alone (ASCII, Latin-1, U+2000-206F)."""
    chars = [*range(0x80), *range(0xA0, 0x100), *range(0x2000, 0x2070)]
    return {c: " " for c in chars
            if unicodedata.category(chr(c)).startswith("P")
            and (unicodedata.normalize("NFKD", chr(c)) == chr(c) or c in _LEADERS)}


# two-dot and three-dot leaders: NFKD makes them dots, which never join two letters (a dot stands next to them)
_LEADERS = (0x2025, 0x2026)


_PUNCTUATION = _punctuation_table()
#: a word: a run of characters that are neither spacing nor that punctuation
_WORDS = re.compile("[^\\s" + re.escape("".join(chr(c) for c in sorted(_PUNCTUATION))) + "]+")


def normalise_quote(text: str) -> str:
    """``normalise_text``, about three times faster on the usual quote (ASCII words, curly or straight marks).

    A text that still holds a non-ASCII character once its punctuation is gone (accents,
    other scripts) goes through ``normalise_text`` itself, so the two always agree.
    """
    if "\u00b4" in text:  # NFKD makes the acute accent a space before the joiners are removed
        return normalise_text(text)
    norm = " ".join(_WORDS.findall(JOINERS.sub("", text.lower())))
    return norm if norm.isascii() else normalise_text(text)


class _CharTable(dict):
    """A ``str.translate`` table that works out each character's replacement on first sight and keeps it.

    ``str.translate`` runs in C; a per-character generator with a ``unicodedata`` call each (as
    ``"".join(...)``) costs about ten times more, and normalise_text runs on every quote and name.
    """

    def __init__(self, replace):
        super().__init__()
        self.replace = replace  # character -> its replacement ("" drops it), or None to keep it

    def __missing__(self, code: int):
        r = self.replace(chr(code))
        self[code] = code if r is None else r
        return self[code]


_DROP_COMBINING = _CharTable(lambda c: "" if unicodedata.combining(c) else None)
_PUNCT_TO_SPACE = _CharTable(lambda c: " " if unicodedata.category(c).startswith("P") else None)
