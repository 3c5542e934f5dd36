"""Plain Python: records, importers, the library, exports. Never imports PySide6 (a test checks)."""
