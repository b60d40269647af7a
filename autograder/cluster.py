"""Grade on a Dask distributed cluster: the same per-submission jobs as the local worker pool.

The coordinator (autograder/autograde.py) submits one task per submission and alone writes what
the outcomes say. A job whose worker is lost (its machine fails, its process is killed) is
scheduled again on another; one whose workers keep dying (Dask's KilledWorker, after the
scheduler's `allowed-failures`) becomes an "error" result with a reason, graded again by the next
run, and the rest of the batch goes on.

Each worker must run one task at a time (one thread): a grading job pins one BLAS thread and runs
one sandboxed kernel, whose uids are numbered by the worker's process id, and starts the kernel
of its next job while it grades (autograder/prestart.py). Workers need the same
repository and sandbox environment (`make setup`), and the course directory at the same path.
"""
import contextlib
import uuid

from autograder import prestart
from autograder.autograde import INTERNAL_ERROR, _grade_job, error_result, local_workers
from autograder.course import CourseError

RETRIES = 2          # a job that raised outside the grader (say, a worker short of memory) runs again
# Before numpy loads in a worker: on small matrices extra BLAS threads only contend.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def local_cluster(workers):
    """A cluster on this machine: `workers` processes of one thread each."""
    from distributed import LocalCluster
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None, env=ONE_BLAS_THREAD)


def grade(jobs, address, workers=None):
    """Each job's outcome, as `_grade_job` returns it, in the order they finish.

    `address`: a scheduler's address (tcp://host:8786), or "local" for a local cluster of
    `workers` processes (default: one per core)."""
    from distributed import Client, as_completed

    cluster = local_cluster(local_workers(workers, jobs)) if address == "local" else None
    try:
        try:
            client = Client(cluster or address, timeout="20s")
        except (OSError, ValueError) as exc:
            raise CourseError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        with client:
            threaded = sorted(w for w, info in client.scheduler_info()["workers"].items() if info["nthreads"] != 1)
            if threaded:
                raise CourseError(f"Dask worker {threaded[0]} runs several threads; grading needs one per "
                                  f"worker process (start workers with --nthreads 1)")
            batch = uuid.uuid4().hex
            client.run(prestart.enable)   # each worker starts its next kernel while it grades
            try:
                futures = {client.submit(_grade_job, job, key=(f"grade-{job[0]}-{batch}", job[1]), pure=False,
                                         retries=RETRIES): job for job in jobs}
                for future in as_completed(futures):
                    yield _outcome(future, futures.pop(future))
            finally:   # a worker lost meanwhile took its kernel with it; one unreachable uses it next time
                with contextlib.suppress(OSError, TimeoutError):
                    client.run(prestart.discard, on_error="ignore")
    finally:
        if cluster is not None:
            cluster.close()


def _outcome(future, job):
    from distributed import KilledWorker

    assignment, student = job[:2]
    try:
        return future.result()
    except KilledWorker as exc:
        _, last_worker, allowed = exc.args
        reason = ("the computer grading your notebook stopped while grading it"
                  + (f", each of the {allowed + 1} times it tried" if allowed else "")
                  + "; the instructor has been told and it will be graded again")
        details = f"KilledWorker: the workers grading it were lost {allowed + 1} times, last {last_worker}"
    except Exception as exc:   # the job itself failed RETRIES + 1 times, outside the grader
        reason, details = INTERNAL_ERROR.format(type(exc).__name__), f"{type(exc).__name__}: {exc}"
    return student, f"{assignment}.ipynb", error_result(assignment, student, reason, details), None
