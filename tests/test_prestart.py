"""Kernels started ahead of need (autograder/prestart.py): each is a fresh sandbox of its own, holds
nothing of any submission until it is given one, and is closed with its worker."""
import multiprocessing
import os

import pytest
from test_sandbox import _nb

from autograder import isolation, prestart
from autograder.boundary import Student
from autograder.sandbox import Policy
from autograder.session import Session

pytestmark = pytest.mark.skipif(not isolation.allowlist_available(),
                                reason="kernels start ahead only with bubblewrap (as root)")


LOOK = "import os\ndef look():\n    return sorted(os.listdir('.')), os.getuid(), os.getpid()"


def test_the_next_kernel_starts_during_a_submission_in_a_sandbox_of_its_own(monkeypatch):
    monkeypatch.setattr(prestart, "_enabled", True)
    try:
        with Session(_nb(LOOK), "first.ipynb") as first:
            first.run_notebook()
            spare = prestart._spare
            assert spare is not None and spare.alive(), "no kernel was started for the next submission"
            assert spare.uid != first.sandbox.uid and spare.dir != first.sandbox.dir
            assert sorted(p.name for p in spare.dir.iterdir()) == [".kernel", "coursekit"]
            files, uid, _ = Student(first).look()
            assert "first.ipynb" in files and uid == first.sandbox.uid
        assert not first.sandbox.dir.exists()
        with Session(_nb(LOOK), "second.ipynb") as second:
            assert second.sandbox is spare
            second.run_notebook()
            files, uid, _ = Student(second).look()
            # its own notebook (handed to its uid), none of the first's
            assert "second.ipynb" in files and "first.ipynb" not in files and uid == spare.uid
            assert (spare.dir / "second.ipynb").stat().st_uid == spare.uid
            assert second.timings()["restarts"] == 0
    finally:
        prestart.discard()
    assert not spare.dir.exists() and not isolation._running(spare.uid)


def test_a_kernel_started_for_another_policy_is_not_used(monkeypatch):
    monkeypatch.setattr(prestart, "_enabled", True)
    try:
        with Session(_nb("x = 1"), "a.ipynb", Policy(cell_timeout=7)) as first:
            first.run_notebook()
            spare = prestart._spare
        with Session(_nb("x = 1"), "b.ipynb", Policy(cell_timeout=8)) as other:
            assert other.sandbox is not spare and other.policy.cell_timeout == 8
        assert not spare.dir.exists()   # closed, not kept
    finally:
        prestart.discard()


def _grade_two():
    for name in ("a.ipynb", "b.ipynb"):
        with Session(_nb(LOOK), name) as session:
            session.run_notebook()
    return os.getpid(), prestart._spare.uid, prestart._spare.dir


def test_a_worker_closes_the_kernel_it_started_ahead_when_it_exits():
    pool = multiprocessing.get_context("fork").Pool(1, initializer=prestart.enable)
    worker, uid, folder = pool.apply(_grade_two)
    pool.close()
    pool.join()
    assert not folder.exists() and not list(isolation.ROOT_SANDBOXES.glob(f"{worker}-*"))
    assert not isolation._running(uid)
