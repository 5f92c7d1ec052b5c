"""Keep interpreter teardown quiet once Great Expectations and duckdb-engine share a process.

With both imported, DuckDB's nanobind bindings report their module-level type constants as
"leaked" while the interpreter tears modules down (`nanobind: leaked 27 instances!` and ~40
lines more, written straight to file descriptor 2). It happens after the program has finished
and its exit status is fixed, so nothing is lost, but the lines land after pytest's closing
line and after `truefans run`'s summary. Reproduce with:
`python -c "import great_expectations, duckdb_engine"`.

The handler below points fd 2 at /dev/null at exit. Registered when the GE layer is imported,
it runs after every atexit handler registered later (atexit is last-in, first-out), so their
errors still show; only the native teardown report that follows is dropped.
"""

from __future__ import annotations

import atexit
import os
import sys

_registered = False


def _silence_stderr() -> None:
    try:
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
    except OSError:  # stderr already closed: nothing to silence
        pass


def silence_native_teardown_report() -> None:
    global _registered
    if not _registered:
        atexit.register(_silence_stderr)
        _registered = True
