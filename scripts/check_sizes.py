#!/usr/bin/env python3
"""No module over 400 lines and no function over 60 in viewer/, except where the code says why.

A module is exempt when one of its first 15 lines is a comment ``# long module: WHY``; a
function is exempt when the line above its ``def`` (or the ``def`` line itself) carries
``# long function: WHY``. Prints every offender and exits 1 if there is one.

    scripts/check_sizes.py [FOLDER...]     (default: viewer)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MODULE_MARK = "# long module:"
FUNCTION_MARK = "# long function:"
ROOT = Path(__file__).resolve().parent.parent


def _marked(line: str, mark: str) -> bool:
    at = line.find(mark)
    return at >= 0 and bool(line[at + len(mark):].strip())  # the mark must give a reason


def offenders(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    if len(lines) > MAX_MODULE_LINES and not any(_marked(line, MODULE_MARK) for line in lines[:15]):
        found.append(f"{path}: {len(lines)} lines (over {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text, str(path))):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = (node.end_lineno or node.lineno) - first + 1
        nearby = lines[max(0, first - 2):node.lineno]
        if length > MAX_FUNCTION_LINES and not any(_marked(line, FUNCTION_MARK) for line in nearby):
            found.append(f"{path}:{node.lineno}: {node.name}() is {length} lines (over {MAX_FUNCTION_LINES})")
    return found


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [ROOT / "viewer"]
    found = [o for folder in folders for path in sorted(folder.rglob("*.py")) for o in offenders(path)]
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
