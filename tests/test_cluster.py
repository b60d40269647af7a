"""Grading on a Dask cluster: the results of a local run, bit for bit, even when a worker is killed
mid-batch; a submission whose workers keep dying gets an error result, the rest of the batch is
graded, and the next run grades it."""
import os
import signal
import threading
import time

import dask
import pytest
from distributed import Client

from autograder import cluster, commands, isolation
from autograder.simulate import fill, reference_sources
from conftest import results_without_timings, submit_directly

A = "regularization"
SLOW = "import time\ntime.sleep(6)   # long enough for its worker to be killed mid-job"


@pytest.fixture(scope="module")
def students(released, notebooks):
    """A small class, one of whom keeps a worker busy for a while: (course, names)."""
    course, _ = released
    slow = fill(course.release_notebooks(A)[f"{A}.ipynb"], reference_sources(A), first_cells=[SLOW])
    class_ = {"dask-right": notebooks["right"], "dask-wrong": notebooks["wrong"], "dask-slow": slow}
    for name, nb in class_.items():
        submit_directly(course, A, name, nb)
    return course, sorted(class_)


def _grading(student, dask_worker):
    """Runs in each worker: its pid if it is grading `student` now."""
    return os.getpid() if any(ts.key[1:] == (student,) for ts in dask_worker.state.executing) else None


def _kill_worker_grading(scheduler_address, student, killed):
    """SIGKILL the worker process grading `student` once it has been at it for a second."""
    with Client(scheduler_address) as client:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pids = [p for p in client.run(_grading, student, on_error="return").values() if isinstance(p, int)]
            if pids:
                time.sleep(1.0)
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])
                return
            time.sleep(0.1)


def _grade_killing(address, course, students, victim):
    killed = []
    killer = threading.Thread(target=_kill_worker_grading, args=(address, victim, killed))
    killer.start()
    results = commands.autograde(course, A, students, force=True, progress=False, dask=address)
    killer.join()
    assert killed, f"no worker was seen grading {victim}"
    return results


def test_a_worker_killed_mid_batch_changes_no_result(students):
    course, names = students
    commands.autograde(course, A, names, workers=2, force=True, progress=False)
    local = results_without_timings(course, A, names)
    assert {local[s]["status"] for s in names} == {"graded"}

    with cluster.local_cluster(2) as two:
        with Client(two) as client:
            info = client.scheduler_info()["workers"].values()
            assert sorted(w["nthreads"] for w in info) == [1, 1]
            blas = client.run(lambda: {p["num_threads"] for p in __import__("threadpoolctl").threadpool_info()})
            assert set().union(*blas.values()) == {1}, "each worker must pin one BLAS thread"
        results = _grade_killing(two.scheduler_address, course, names, "dask-slow")
    assert {results[s]["status"] for s in names} == {"graded"}     # the lost job ran again elsewhere
    assert results_without_timings(course, A, names) == local
    isolation.sweep_stale()
    assert isolation.orphans() == []


def test_a_submission_that_keeps_killing_workers_is_recorded_and_regraded(students):
    course, names = students
    pair = ["dask-slow", "dask-right"]
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):   # the first loss is one too many
        with cluster.local_cluster(2) as two:
            results = _grade_killing(two.scheduler_address, course, pair, "dask-slow")
    lost, other = results["dask-slow"], results["dask-right"]
    assert other["status"] == "graded" and other["score"] == other["max_score"] > 0
    assert lost["status"] == "error" and "stopped while grading it" in lost["reason"]
    assert course.read_result(A, "dask-slow")["status"] == "error"

    again = commands.autograde(course, A, pair, progress=False)     # an error is graded again
    assert again["dask-slow"]["status"] == "graded"
    assert again["dask-right"] == other                             # not graded twice
    assert isolation.orphans() == []


def _worker_state():
    """Runs in each worker: (its pid, sandboxes it has made, whether it starts kernels ahead, whether
    it holds one now)."""
    from autograder import prestart
    return os.getpid(), isolation._uids_used, prestart._enabled, prestart._spare is not None


def test_dask_workers_start_each_next_kernel_ahead_and_close_it_when_the_batch_ends(students):
    if not isolation.allowlist_available():
        pytest.skip("kernels are started ahead only with bubblewrap (as root)")
    course, names = students
    with cluster.local_cluster(1) as one, Client(one) as client:
        commands.autograde(course, A, names, force=True, progress=False, dask=one.scheduler_address)
        [(pid, made, enabled, holding)] = client.run(_worker_state).values()
    # a kernel per submission and one more, started ahead for a next that never came
    assert enabled and made == len(names) + 1 and not holding
    assert list(isolation.ROOT_SANDBOXES.glob(f"{pid}-*")) == [], "the last kernel started ahead is closed"
