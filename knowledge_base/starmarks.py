"""Star marks of the scoring sheets as a reader sees them.

Phụ lục II marks the options that are a star level's minimum requirement with ``***``, ``****`` or ``*****``
(sheet 3 once prints them spaced, "* * * *"). Chat channels strip Markdown emphasis, which turns those marks
into stray asterisks, so text is passed through ``render_star_marks`` first: "(****)" becomes "(★4 tối thiểu)".
"""

from __future__ import annotations

import re

# Three to five asterisks (optionally spaced or in backticks) that are not part of **bold** text.
_MARK_RE = re.compile(r"`?(?<![*\w])(\*(?: ?\*){2,4})(?![*\w])`?")


def star_label(star: int) -> str:
    """ "★4 tối thiểu": how a minimum requirement for ``star`` stars is written for a reader."""
    return f"★{star} tối thiểu"


def render_star_marks(text: str) -> str:
    """``text`` with every printed star mark replaced by its label ("`***`" -> "★3 tối thiểu")."""
    return _MARK_RE.sub(lambda m: star_label(m.group(1).count("*")), text)
