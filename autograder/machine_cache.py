"""What a grading machine works out once about its sandbox environment, kept on disk.

The bubblewrap view of the sandbox interpreter (isolation.runtime: one `ldd` over every shared
library it can load) and matplotlib's font list (sandbox.font_cache) take a second and more to
make, and are the same for every batch until the environment or the system's libraries change.
Each is stored under the key of what it was made from (file sizes and times), so a changed
environment is worked out again, never read stale.

The folder is the grading user's own cache: a sandbox uid (as root) can neither read nor write it.
"""
import hashlib
import json
import os
import tempfile
from pathlib import Path


def folder():
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deepnets-course"


def stamp(paths):
    """What `paths` are now (size and modification time of each; "-" if absent), as one key."""
    h = hashlib.sha256()
    for p in paths:
        try:
            st = os.stat(p)
            h.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{p}\0-\n".encode())
    return h.hexdigest()[:24]


def cached(kind, key, make):
    """The JSON value stored for (kind, key), else make() stored and returned. None (make() could
    not tell) is never stored, nor is a value where it cannot be (a read-only home)."""
    path = folder() / f"{kind}-{key}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        pass
    value = make()
    if value is None:
        return None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as tmp:
            json.dump(value, tmp)
        os.replace(tmp.name, path)   # whole or not at all: a concurrent batch reads one or the other
    except OSError:
        pass
    return value
