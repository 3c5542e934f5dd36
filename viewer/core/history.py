"""Back and forward through visited places, as in a browser. Plain data, no Qt.

A place is any hashable value; the window uses (record id, section id).
"""

from __future__ import annotations

from typing import Generic, Hashable, TypeVar

Place = TypeVar("Place", bound=Hashable)


class History(Generic[Place]):
    def __init__(self) -> None:
        self._entries: list[Place] = []
        self._pos = -1

    def visit(self, place: Place) -> None:
        """Records a visit; going somewhere new drops the forward entries."""
        if self._pos >= 0 and self._entries[self._pos] == place:
            return
        del self._entries[self._pos + 1:]
        self._entries.append(place)
        self._pos = len(self._entries) - 1

    def can_go_back(self) -> bool:
        return self._pos > 0

    def can_go_forward(self) -> bool:
        return self._pos < len(self._entries) - 1

    def back(self) -> Place | None:
        if not self.can_go_back():
            return None
        self._pos -= 1
        return self._entries[self._pos]

    def forward(self) -> Place | None:
        if not self.can_go_forward():
            return None
        self._pos += 1
        return self._entries[self._pos]
