"""SIGTERM handled like Ctrl-C: the run stops, its finished rows are saved, status 143.

A batch scheduler ends a job at its time limit with SIGTERM (then SIGKILL a little later).
By default SIGTERM ends Python at once, without running ``finally`` blocks, so the rows
finished since the last flush would be lost and worker processes left to their own watch.
Within :func:`sigterm_raises`, SIGTERM raises :class:`Terminated` in the main thread instead,
which unwinds the run as Ctrl-C's ``KeyboardInterrupt`` does.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Terminated(SystemExit):
    """The process received SIGTERM; exits with status 143 (128 + SIGTERM) if uncaught."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated


@contextmanager
def sigterm_raises(override: bool = False) -> Iterator[bool]:
    """Within the block, SIGTERM raises :class:`Terminated`; yields whether this block set it.

    Only the main thread can receive signals, and a handler the program set itself is left
    alone unless ``override``: the block then yields ``False`` and changes nothing.
    """
    if (threading.current_thread() is not threading.main_thread()
            or not (override or signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)):
        yield False
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield True
    finally:
        signal.signal(signal.SIGTERM, previous)
