"""Worker processes of :func:`fastsec.experiments.run`: a loky executor tied to its run.

The workers are a :class:`loky.ProcessPoolExecutor` (spawned, never forked from a threaded
parent; callables defined in a notebook or a ``python -`` script travel by cloudpickle). Each
worker watches the process that started it (:func:`watch_parent`): whatever ends the run,
``kill -9`` and out-of-memory kills included, its workers end within about a second, and
loky's resource tracker exits once no process holds it. An interrupted run
(Ctrl-C, SIGTERM, an exception) kills its workers instead of waiting for their chunks.

Spawned workers import the caller's ``__main__`` again (to unpickle what it defines). A
``__main__`` that calls ``run`` at its top level without an ``if __name__ == "__main__":``
guard would start the run again in every worker, and a program read from standard input
cannot be imported at all; :func:`spawn_problem` detects both before any worker starts.
"""

from __future__ import annotations

import ast
import ctypes
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from itertools import islice
from typing import Any

import numba
from loky import ProcessPoolExecutor
from loky.backend import resource_tracker
from loky.process_executor import BrokenProcessPool

#: Linux ``prctl`` option: the signal a process gets when the thread that started it ends.
PR_SET_PDEATHSIG = 1
#: Where ``prctl`` is missing, a worker checks its parent this often [s].
PARENT_POLL_S = 0.5
#: Work items queued per worker: enough to keep workers busy, few enough that finished
#: results never pile up (memory stays flat however many drops a study has).
IN_FLIGHT_PER_WORKER = 4
#: A ``__main__`` file of this name (IPython's launcher) is never re-run in workers (loky).
_IPYTHON = "ipython"


class WorkerDied(RuntimeError):
    """A worker process ended without returning (``reason`` says how, when known)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _poll_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def watch_parent(parent: int) -> None:
    """Worker initializer: end this process as soon as ``parent`` (the run) is gone.

    On Linux the kernel delivers SIGKILL when the parent ends (``PR_SET_PDEATHSIG``), even
    while a Numba kernel holds the GIL; elsewhere a daemon thread polls the parent's pid.
    """
    libc = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
    if libc is None or libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        threading.Thread(target=_poll_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the watch was set
        os._exit(1)


def start_worker(parent: int) -> None:
    """Worker initializer: :func:`watch_parent`, and single-threaded Numba kernels.

    Processes and threads compose: each worker runs its batched kernels on one thread (the
    workers already fill the cores), while a serial run keeps Numba's threads. BLAS and
    OpenMP are pinned to one thread per chunk in both (:func:`fastsec.experiments.work.one_thread`).
    """
    watch_parent(parent)
    numba.set_num_threads(1)


def _guarded(path: str, line: int) -> bool:
    """Whether ``line`` of the script ``path`` lies in an ``if __name__ == "__main__":`` block."""
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return False
    for node in tree.body:
        if (isinstance(node, ast.If) and isinstance(node.test, ast.Compare)
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            names = [node.test.left, *node.test.comparators]
            if (any(isinstance(n, ast.Name) and n.id == "__name__" for n in names)
                    and any(isinstance(n, ast.Constant) and n.value == "__main__"
                            for n in names)):
                return True
    return False


def spawn_problem() -> str | None:
    """Why worker processes cannot start from this call (``None`` if they can).

    Workers re-import ``__main__`` as loky does: by module name when it was run with
    ``python -m`` (not a package's ``__main__``), else from its file (none for ``python -c``,
    a REPL or a notebook kernel, which are never re-imported).
    """
    main = sys.modules.get("__main__")
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    path = getattr(main, "__file__", None)
    if spec_name is not None:
        if spec_name == "__main__" or spec_name.endswith(".__main__"):
            return None
    elif path is None or os.path.splitext(os.path.basename(path))[0] == _IPYTHON:
        return None
    if path is None:
        return None
    if not os.path.isfile(path):
        return (f"the program was read from {path} (not a file), which worker processes "
                f"cannot import; save it as a script with an `if __name__ == \"__main__\":` "
                f"guard to use workers")
    frame: Any = sys._getframe(1)
    while frame is not None and not (frame.f_globals is main.__dict__
                                     and frame.f_code.co_name == "<module>"):
        frame = frame.f_back
    if frame is None or _guarded(path, frame.f_lineno):
        return None
    return (f"{os.path.basename(path)} calls run() at its top level, which every worker "
            f"process would run again; put the call under `if __name__ == \"__main__\":` "
            f"to use workers")


def _death_reason(exc: BaseException) -> str:
    """How the worker of ``exc`` (a broken-pool error of loky) ended, in one line."""
    text = str(exc)
    codes = re.search(r"exit codes of the workers are \{(.*?)\}", text)
    if codes is None:
        return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    described = []
    for code in codes.group(1).split(", "):
        sig = re.fullmatch(r"(SIG[A-Z0-9]+)\(-?\d+\)", code)
        exit_code = re.fullmatch(r"EXIT\((-?\d+)\)", code)
        if sig and sig.group(1) == "SIGKILL":
            described.append("killed by SIGKILL (by someone, or by the system when memory "
                             "ran out)")
        elif sig:
            described.append(f"ended by {sig.group(1)}")
        elif exit_code:
            described.append(f"exited with code {exit_code.group(1)}")
        else:
            described.append(code)
    return "; ".join(dict.fromkeys(described))


def start_resource_tracker() -> None:
    """Start loky's resource tracker (once per process) without its shutdown-race warnings.

    Killing workers (an interrupted run) can leave loky's reference count of one of its own
    semaphores above zero although the semaphore was already unlinked; at exit the tracker
    then warns "resource_tracker: ... leaked ..." and "...: FileNotFoundError" on stderr,
    *after* the command's last line (1 run in 9 of the SIGTERM test under load). Nothing has
    leaked, so the tracker is started with those warnings ignored (``-W``, passed only to its
    command line: this process's filters are left as they were).
    """
    saved = list(sys.warnoptions)
    sys.warnoptions.append("ignore:resource_tracker:UserWarning")
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions[:] = saved


def imap_unordered(fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]],
                   workers: int) -> Iterator[Any]:
    """Yield ``fn(*task)`` for every task, in completion order, from ``workers`` processes.

    Raises :class:`WorkerDied` if a worker process ends without returning. Workers are
    joined when every task is done, killed if the generator is left early (an exception,
    Ctrl-C, SIGTERM, ``close()``).
    """
    start_resource_tracker()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=start_worker,
                               initargs=(os.getpid(),))
    finished = False
    todo = iter(tasks)
    pending: set[Future] = {pool.submit(fn, *t)
                            for t in islice(todo, IN_FLIGHT_PER_WORKER * workers)}
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                nxt = next(todo, None)
                if nxt is not None:
                    pending.add(pool.submit(fn, *nxt))
                yield fut.result()
        finished = True
    except BrokenProcessPool as exc:
        raise WorkerDied(_death_reason(exc)) from None
    finally:
        pool.shutdown(wait=True, kill_workers=not finished)
