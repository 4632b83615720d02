"""Where an experiment's runs execute: in this process, a local process pool, or Dask.

Every backend maps one module-level function over task descriptions and yields the results
as tasks finish, in whatever order they finish; the experiment puts them back in order.
Only a bounded window of tasks is in flight at once, so memory stays bounded by what the
caller keeps, and an interrupt (Ctrl-C) cancels what has not started.
Workers build and run worlds themselves: a task is a small description (world name,
parameters, seed), never a pickled World.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from ._errors import NpoliticsError
from ._signals import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

LOCAL = ("serial", "processes", "dask")

# How many tasks may be in flight per worker: enough to keep workers busy between results,
# few enough that an interrupt leaves little to cancel and memory stays bounded.
_WINDOW_PER_WORKER = 2


class BackendError(NpoliticsError, RuntimeError):
    """A backend could not be started or reached (unknown name, missing package, bad address)."""


class WorkerLostError(BackendError):
    """The workers running one task died again and again (killed, out of memory): the run
    failed, not the input; the message names the task to run alone."""


def free_cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_backend(tasks: int) -> str:
    """``processes`` when more than one core is free and there is more than one task."""
    return "processes" if free_cores() > 1 and tasks > 1 else "serial"


def check_backend(backend: Any) -> None:
    """Refuse an unknown backend name before any work starts."""
    if isinstance(backend, str):
        if backend in LOCAL or "://" in backend:
            return
        raise BackendError(
            f"unknown backend {backend!r}; use 'serial', 'processes', 'dask', or a Dask "
            "scheduler address such as 'tcp://host:8786'"
        )
    if not hasattr(backend, "submit"):
        raise BackendError(f"a backend is a name, an address or a dask Client, got {backend!r}")


def imap_unordered(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    backend: Any = "serial",
    workers: int | None = None,
    timeout: float = 10.0,
) -> Iterator[R]:
    """``fn(task)`` for every task, yielded as each finishes.

    ``backend`` is ``"serial"``, ``"processes"`` (a pool of ``workers`` processes: see
    :func:`start_method`),
    ``"dask"`` (a ``LocalCluster`` of ``workers`` single-threaded processes, started and closed
    here), a Dask scheduler address (``"tcp://host:8786"``; ``timeout`` seconds to connect),
    or a ``distributed.Client`` the caller owns. Closing the iterator early (or an exception
    in the caller, such as KeyboardInterrupt) cancels the tasks not yet finished.
    """
    check_backend(backend)
    if backend == "serial":
        return (fn(task) for task in tasks)
    if backend == "processes":
        return _processes(fn, tasks, free_cores() if workers is None else workers)
    return _dask(fn, tasks, backend, workers, timeout)


def start_method() -> str:
    """How the processes backend starts its workers: forked from this process where it can
    be (Linux, and no other thread running here that a fork could catch holding a lock), so
    that they begin with everything it has imported and loaded (numba, the worlds, compiled
    rules: about a second a worker when spawned); else spawned."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _start_worker(parent: int | None) -> None:
    """Set up a pool worker: Ctrl-C in a terminal reaches the whole process group, and the
    parent handles it (cancels and terminates the pool), so workers ignore it instead of
    printing tracebacks. With ``parent``, the worker also dies with that process, so that
    no worker outlives a parent killed outright (kill -9)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker: not its parent's handler
    if parent is not None:
        die_with_parent(parent)


def _processes(fn: Callable[[T], R], tasks: Iterable[T], workers: int) -> Iterator[R]:
    if workers < 1:
        raise BackendError(f"workers must be ≥ 1, got {workers}")
    context = multiprocessing.get_context(start_method())

    # A worker's death signal fires when the thread that started it ends: ask for it only
    # when that thread is the main one, whose end is the process's.
    main = threading.current_thread() is threading.main_thread()
    parent = os.getpid() if main else None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(parent,)
        )

    pool = new_pool()
    pending: dict[Future[R], T] = {}
    attempts: dict[int, int] = {}  # id(task) -> times its pool broke under it
    todo = iter(tasks)
    finished = False
    try:
        for task in todo:
            pending[pool.submit(fn, task)] = task
            if len(pending) >= _WINDOW_PER_WORKER * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                # A worker died (killed, out of memory, os._exit): every task in flight is
                # lost with the pool. Re-run them on a new pool; their seeds make the reruns
                # give the same results. A task that keeps killing its worker is an error.
                lost = [t for f, t in pending.items() if not _succeeded(f)]
                for task in lost:
                    attempts[id(task)] = attempts.get(id(task), 0) + 1
                    if attempts[id(task)] >= _MAX_ATTEMPTS:
                        raise WorkerLostError(
                            f"a worker process died {_MAX_ATTEMPTS} times while running "
                            f"{task_label(task)} (among {len(lost)} tasks in flight); "
                            "giving up: run it alone with backend='serial' to see why"
                        )
                kept = {f: t for f, t in pending.items() if _succeeded(f)}
                pool.shutdown(wait=True)
                pool = new_pool()
                pending = {**kept, **{pool.submit(fn, t): t for t in lost}}
                continue
            for future in done:
                del pending[future]
                result = future.result()
                for task in todo:
                    pending[pool.submit(fn, task)] = task
                    break
                yield result
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            # Tasks already running would otherwise hold the interpreter's exit until they
            # end; the pool offers no public way to stop them before Python 3.14.
            processes = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            for process in processes:  # reap them, so none is left behind as a zombie
                process.join(timeout=5)


# How many times a task may be in flight when its worker pool breaks before we give up.
_MAX_ATTEMPTS = 3


def task_label(task: Any) -> str:
    """``str(task)`` on one line, short enough for an error message."""
    text = " ".join(str(task).split())
    return text if len(text) <= 400 else text[:399] + "…"


def _succeeded(future: Future[Any]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


@contextlib.contextmanager
def _children_ignore_sigint() -> Iterator[list[int]]:
    """Processes started inside ignore Ctrl-C (an ignored signal stays ignored across exec),
    so that the parent alone handles it; the parent ignores it meanwhile, briefly.

    A SIGTERM handled by Python (the CLI's) is held back meanwhile, since a cluster
    interrupted half started cannot be closed: it is listed in the yielded list, for the
    caller to raise again once what it started can be closed.
    """
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    terminate = signal.getsignal(signal.SIGTERM)
    if callable(terminate):
        signal.signal(signal.SIGTERM, lambda signum, frame: held.append(signum))
    try:
        yield held
    finally:
        signal.signal(signal.SIGINT, previous)
        if callable(terminate):
            signal.signal(signal.SIGTERM, terminate)


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    """Logger ``name`` and its children log only critical records inside."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """Environment variable ``name`` set to ``value`` inside (for processes started there)."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@contextlib.contextmanager
def dask_client(backend: Any, workers: int | None, timeout: float) -> Iterator[Any]:
    """A ``distributed.Client``: a new LocalCluster for ``"dask"``, else the given scheduler."""
    try:
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise BackendError(
            "the dask backend needs dask.distributed: pip install 'npolitics[distributed]'"
        ) from exc
    if not isinstance(backend, str):
        yield backend  # the caller's Client: theirs to close
        return
    if backend == "dask":
        # Its errors reach the caller as exceptions (a task whose workers keep dying: one
        # WorkerLostError); logged as well, they would be a second report, and the client's
        # notes (a connection re-established after a worker died) are not the user's either.
        # A worker process the nanny starts again (after one died) configures its logging
        # from dask's config when it imports distributed, before silence_logs reaches it:
        # the environment is what it reads then.
        with _quiet("distributed"), _environment("DASK_LOGGING__DISTRIBUTED", "critical"):
            with _children_ignore_sigint() as held:
                cluster = distributed.LocalCluster(
                    n_workers=free_cores() if workers is None else workers,
                    threads_per_worker=1,
                    processes=True,
                    # Dask's dashboard is not ours to open; a free loopback port keeps two
                    # clusters (parallel tests, two experiments) from fighting over 8787.
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.CRITICAL,
                )
            with cluster:
                for signum in held:  # now that the cluster will be closed on the way out
                    signal.raise_signal(signum)
                with distributed.Client(cluster) as client:
                    yield client
        return
    try:
        client = distributed.Client(backend, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a malformed address
        raise BackendError(f"cannot reach the Dask scheduler at {backend!r}: {exc}") from None
    with client:
        yield client


def _dask(
    fn: Callable[[T], R], tasks: Iterable[T], backend: Any, workers: int | None, timeout: float
) -> Iterator[R]:
    distributed: Any = importlib.import_module("distributed")
    with dask_client(backend, workers, timeout) as client:
        threads = sum(client.nthreads().values()) or 1
        window = max(4, _WINDOW_PER_WORKER * threads)
        prefix = f"npolitics-{uuid.uuid4().hex[:12]}"
        todo = enumerate(tasks)
        queue = distributed.as_completed()
        live: dict[Any, T] = {}  # future -> its task

        def submit_one() -> None:
            for i, task in todo:
                future = client.submit(fn, task, key=f"{prefix}-{i}", pure=False)
                live[future] = task
                queue.add(future)
                return

        try:
            for _ in range(window):
                submit_one()
            for future in queue:
                # A worker lost mid-task is the scheduler's business: it re-runs the task
                # elsewhere, and the task's seed makes the rerun give the same result. When
                # the task's workers died too often, the scheduler gives up on it.
                try:
                    result = future.result()
                except distributed.KilledWorker:
                    raise WorkerLostError(
                        f"Dask workers died {_killed_times(client)} while running "
                        f"{task_label(live[future])}; giving up: run it alone with "
                        "backend='serial' to see why"
                    ) from None
                del live[future]
                future.release()
                submit_one()
                yield result
        finally:
            if live:
                client.cancel(list(live))


def _killed_times(client: Any) -> str:
    """How many worker deaths the scheduler allows a task (its allowed-failures setting)."""
    try:
        allowed = client.run_on_scheduler(_allowed_failures)
    except Exception:  # an old or locked-down scheduler: say it without the number
        return "more often than the scheduler allows (distributed.scheduler.allowed-failures)"
    return f"{int(allowed) + 1} times"


def _allowed_failures() -> int:
    import dask

    return int(dask.config.get("distributed.scheduler.allowed-failures"))
