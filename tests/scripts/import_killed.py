"""The command line's import, killed with SIGKILL from inside itself at a known point:

    python tests/scripts/import_killed.py BATCH ARGS...

runs ``ncjrs-viewer import ARGS...`` with every library import reporting its batches (the public
``progress`` callback of ``Library.import_report``) and kills the process when the BATCH-th batch
(1-based, counted over all files) has been written: inside the file's write transaction, before
its commit. Exits 3 if the import ended without reaching that batch."""

import os
import signal
import sys

from viewer.cli import main
from viewer.core.library import Library


def kill_at(batch: int) -> None:
    seen = 0
    import_report = Library.import_report

    def reporting(self, report, **options):
        given = options.get("progress")

        def progress(done: int, total: int) -> None:
            nonlocal seen
            seen += 1
            if seen == batch:
                os.kill(os.getpid(), signal.SIGKILL)
            if given is not None:
                given(done, total)

        return import_report(self, report, **{**options, "progress": progress})

    Library.import_report = reporting


if __name__ == "__main__":
    kill_at(int(sys.argv[1]))
    main(["import", *sys.argv[2:]])
    sys.exit(3)
