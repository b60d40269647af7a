"""Kernels started ahead of need: while a batch worker grades one submission, the kernel for its
next submission is already starting, so a submission does not wait for Python and ipykernel.

A kernel started ahead is still a fresh sandbox of its own (its own directory, uid, cgroup and
namespaces). It is made before anyone knows which submission it will run, so it holds nothing of
any submission until that submission's notebook is written in, and it serves one submission only.

Only batch workers start kernels ahead (`enable`: the initializer of a local batch's workers, run
on every worker of a Dask cluster when a batch starts), and only with bubblewrap, whose
--die-with-parent ends such a kernel with the thread that started it, and so with its worker
however the worker ends. A Dask worker grades in the one thread of its pool, which lives as long
as the worker, and closes its kernel started ahead when the batch ends (`discard`, run on every
worker); a local worker closes it as it exits (a finalizer). A worker killed leaves its directory
to the next batch's isolation.sweep_stale, like any sandbox of a killed worker.
"""
from multiprocessing import util

from autograder import isolation
from autograder.sandbox import Policy, Sandbox

_enabled = False
_finalizer = None   # closes the kernel started ahead when a worker process exits
_spare = None   # the sandbox whose kernel is starting for this worker's next submission


def enable():
    """In a batch worker, before its first submission: start kernels ahead from now on."""
    global _enabled, _finalizer
    _enabled = isolation.allowlist_available()
    if _finalizer is None:
        _finalizer = util.Finalize(None, discard, exitpriority=10)


def take(policy=None):
    """A sandbox for the next submission: the one started ahead if it was made for `policy`."""
    global _spare
    policy = policy or Policy()
    spare, _spare = _spare, None
    if spare is not None and spare.policy == policy:
        return spare
    if spare is not None:
        spare.close()
    return Sandbox(policy=policy)


def start_next(policy):
    """Start the kernel of this worker's next submission (a no-op outside a batch worker)."""
    global _spare
    if not _enabled or _spare is not None:
        return
    # Whatever fails here is not this submission's: the next one starts its own kernel, and
    # reports what fails then.
    try:
        spare = Sandbox(policy=policy)
    except Exception:
        return
    try:
        spare.launch_ahead()
    except Exception:
        spare.close()
        return
    _spare = spare


def discard():
    global _spare
    spare, _spare = _spare, None
    if spare is not None:
        spare.close()
