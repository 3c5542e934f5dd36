"""Back and forward through visited sections, as in a browser. Plain data, no Qt."""

from __future__ import annotations


class History:
    def __init__(self) -> None:
        self._entries: list[str] = []
        self._pos = -1

    def visit(self, section_id: str) -> None:
        """Records a visit; going somewhere new drops the forward entries."""
        if self._pos >= 0 and self._entries[self._pos] == section_id:
            return
        del self._entries[self._pos + 1:]
        self._entries.append(section_id)
        self._pos = len(self._entries) - 1

    def can_go_back(self) -> bool:
        return self._pos > 0

    def can_go_forward(self) -> bool:
        return self._pos < len(self._entries) - 1

    def back(self) -> str | None:
        if not self.can_go_back():
            return None
        self._pos -= 1
        return self._entries[self._pos]

    def forward(self) -> str | None:
        if not self.can_go_forward():
            return None
        self._pos += 1
        return self._entries[self._pos]
