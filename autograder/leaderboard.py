"""The leaderboard: each student's value (the capstone's test accuracy) under a pseudonym.

A suite test records the value with credit(..., leaderboard=value). After a batch the coordinator
writes <course>/leaderboard/<assignment>.csv, best first. A pseudonym is a keyed hash of the
student's id (the key, <course>/leaderboard/.key, never leaves the course directory), so it is the
same on every run and nobody can work out whose it is; each student's feedback names their own.
"""
import csv
import hashlib
import hmac
import os
import secrets


def _key(course):
    path = course.path("leaderboard", ".key")
    if not path.is_file():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(16))
        os.chmod(path, 0o600)
    return path.read_text().strip().encode()


def pseudonym(course, student):
    return "student-" + hmac.new(_key(course), student.encode(), hashlib.sha256).hexdigest()[:8]


def value(result):
    """The leaderboard value a result's tests recorded, or None."""
    found = [t["details"]["leaderboard"] for e in result.get("items", {}).values() for t in e["tests"]
             if "leaderboard" in t.get("details", {})]
    return found[0] if found else None


def write(course, assignment, results):
    """The CSV of every graded result with a value; returns its path, or None if none has one."""
    rows = [(value(r), pseudonym(course, s), r["score"], r["max_score"]) for s, r in results.items()
            if r.get("status") == "graded" and value(r) is not None]
    if not rows:
        return None
    path = course.path("leaderboard", f"{assignment}.csv")
    with open(path.with_suffix(".tmp"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["rank", "pseudonym", "test_accuracy", "score", "max_score"])
        for rank, (v, name, score, top) in enumerate(sorted(rows, key=lambda r: (-r[0], r[1])), 1):
            out.writerow([rank, name, f"{v:.4f}", f"{score:g}", f"{top:g}"])
    os.replace(path.with_suffix(".tmp"), path)
    return path
