"""LaTeX in a BibTeX field as plain text (pylatexenc), stoppable by Cancel.

Dense markup costs pylatexenc about 25 µs a character, so one long field can take seconds:
Cancel is asked every few thousand tokens and nodes, not only between fields.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from viewer.core.bounded import Cancelled
from viewer.core.importers.common import cancel_point

EVERY = 2048  # tokens or nodes between two questions to Cancel
_counter = itertools.count()


def latex_to_text(value: str) -> str:
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return value
    try:
        walker, to_text = _converters()
        nodes = walker(value).get_latex_nodes()[0]
        return to_text(math_mode="verbatim", keep_comments=True).nodelist_to_text(nodes)
    except Cancelled:
        raise
    except Exception:  # pylatexenc is tolerant, but never let odd LaTeX lose a whole entry
        return value.replace("{", "").replace("}", "")


def _tick() -> None:
    if next(_counter) % EVERY == 0:
        cancel_point()


@cache
def _converters() -> tuple[Any, Any]:
    """pylatexenc's walker and text converter, each asking Cancel as it goes (imported on first use)."""
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import LatexWalker

    class Walker(LatexWalker):
        def get_token(self, *args: Any, **kwargs: Any) -> Any:
            _tick()
            return super().get_token(*args, **kwargs)

    class ToText(LatexNodes2Text):
        def node_to_text(self, *args: Any, **kwargs: Any) -> Any:
            _tick()
            return super().node_to_text(*args, **kwargs)

    return Walker, ToText
