"""The hidden test digits never enter a sandbox, and a submission that hunts for them gets nothing.

A course installs its own test set (`course test-set`) with a canary digit, whose pixels spell a
canary string. While a batch of capstone submissions is graded by the real sandboxed pipeline,
every message to and from each kernel and every file of each sandbox (just before it is removed)
is searched for that digit in every form it could travel in: its bytes, as float64, base64 of
either at every alignment, as JSON numbers. The batch holds the reference and an attacker that
looks for the digits everywhere a kernel can reach and prints what it finds.
"""
import base64
import json
import secrets

import numpy as np
import pytest

from autograder import commands, hidden_data, sandbox
from autograder.course import Course
from autograder.simulate import fill, reference_files, reference_sources
from conftest import REPO, submit_directly

A = "capstone"
CANARY = ("course-canary-" + secrets.token_hex(8)).encode()
ROW = np.frombuffer((CANARY * 40)[:400], dtype=np.uint8)   # a "digit" whose pixels spell the canary
HUNT = """\
import glob, os
found = []
for pattern in ('/*/*/data/hidden/*', '/*/*/*/data/hidden/*', '/*/*/hidden/*', '/*/*/*/hidden/*',
                '/**/mnist20_test.npz', '../*', '../../*', '/proc/*/cwd/*', '/tmp/*'):
    for p in glob.glob(pattern, recursive=pattern.startswith('/**')):
        try:
            found.append((p, open(p, 'rb').read(64)))
        except OSError:
            pass
print('found', found, os.environ)
"""


def _forms(row):
    """Byte strings any encoding of `row` would contain."""
    raw = [row.tobytes(), (row / 255.0).tobytes(), row.astype(np.int64).tobytes()]
    forms = [CANARY] + [r[8:72] for r in raw]
    for r in raw:   # base64 of a substring depends on where it starts: all three alignments
        forms += [base64.b64encode(r[k:k + 240])[8:72] for k in range(3)]
    forms.append(json.dumps(row[:12].tolist())[1:-1].encode())
    forms.append(", ".join(repr(v) for v in (row / 255.0)[:6]).encode())
    return forms


FORMS = _forms(ROW)


def leaks(data):
    data = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    return [f for f in FORMS if f in data]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("canary")
    log = root / "log"
    log.mkdir()
    course = Course(root / "course").init()
    with np.load(REPO / "data" / "hidden" / "mnist20_test.npz") as f:
        X, y = f["X_test"].copy(), f["y_test"].copy()
    X[0] = ROW
    np.savez(root / "own.npz", X_test=X, y_test=y)
    hidden_data.install(course, root / "own.npz")
    commands.release(course, A)
    release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
    reference = fill(release_nb, reference_sources(A))
    for student, nb in {"reference": reference, "hunter": fill(release_nb, reference_sources(A), first_cells=[HUNT])}.items():
        submit_directly(course, A, student, nb, files=reference_files(A))

    execute, call, close = sandbox.Sandbox.execute, sandbox.Sandbox.call, sandbox.Sandbox.close

    def record(kind, data):   # workers are forked: they append to files the test reads after
        with open(log / kind, "a") as f:
            f.write(f"{len(data)}\n")
        if leaks(data):
            with open(log / "leaks", "a") as f:
                f.write(f"{kind}: {leaks(data)[0]!r}\n")

    def watched_execute(self, code, timeout):
        record("sent", code)
        ex = execute(self, code, timeout)
        record("received", ex.stdout + json.dumps(ex.error))
        return ex

    def watched_call(self, message, timeout):
        record("sent", message)
        ex = call(self, message, timeout)
        record("received", ex.result or b"")
        return ex

    def watched_close(self):
        for p in self.dir.rglob("*"):
            if p.is_file() and not p.is_symlink():
                record("files", p.read_bytes())
        close(self)

    mp = pytest.MonkeyPatch()
    mp.setattr(sandbox.Sandbox, "execute", watched_execute)
    mp.setattr(sandbox.Sandbox, "call", watched_call)
    mp.setattr(sandbox.Sandbox, "close", watched_close)
    try:
        results = commands.autograde(course, A, workers=2, progress=False)
    finally:
        mp.undo()
    return course, results, log


def test_the_detector_finds_the_canary_digit_in_every_encoding_the_wire_uses():
    from autograder.agent import wire
    for x in (ROW[None, :], ROW[None, :] / 255.0, X_like := np.stack([ROW / 255.0] * 3)):
        assert leaks(wire.dumps(x, None)), x.dtype
    assert leaks(X_like.tobytes()) and leaks(json.dumps(ROW.tolist()))


def test_the_hidden_digits_never_enter_any_sandbox(graded):
    _, results, log = graded
    assert all(r["status"] == "graded" for r in results.values())
    for kind in ("sent", "received", "files"):
        assert (log / kind).is_file() and sum(map(int, (log / kind).read_text().split())) > 0, kind
    assert not (log / "leaks").exists(), (log / "leaks").read_text()


def test_the_course_s_own_test_set_grades_and_a_hunter_gets_nothing(graded):
    course, results, _ = graded
    for student in ("reference", "hunter"):
        model = results[student]["items"]["train_model"]
        assert model["score"] == model["max_score"], model
    assert results["hunter"]["score"] == results["reference"]["score"]
    feedback = commands.feedback(course, A)[0]
    for folder in feedback:
        assert not leaks(next(folder.glob("*.html")).read_bytes())


def test_the_leaderboard_lists_pseudonyms_only(graded):
    course, results, _ = graded
    text = course.path("leaderboard", f"{A}.csv").read_text()
    assert text.splitlines()[0] == "rank,pseudonym,test_accuracy,score,max_score"
    assert len(text.splitlines()) == 1 + len(results)
    assert not [s for s in results if s in text]
    for student, r in results.items():
        assert any("leaderboard" in n for n in r["notes"])
