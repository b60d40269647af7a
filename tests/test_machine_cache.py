"""The machine cache: made once, read back while nothing it was made from changes, made again when
something does; nothing stale, nothing half-written."""
import json
import os

from autograder import isolation, machine_cache
from autograder.sandbox import font_cache, sandbox_python


def test_a_value_is_made_once_and_made_again_when_its_files_change(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made = []

    def make():
        made.append(1)
        return {"made": len(made)}

    source = tmp_path / "library.so"
    source.write_bytes(b"one")
    key = machine_cache.stamp([source])
    assert machine_cache.cached("kind", key, make) == {"made": 1}
    assert machine_cache.cached("kind", machine_cache.stamp([source]), make) == {"made": 1}
    source.write_bytes(b"three")   # another size: another key
    assert machine_cache.stamp([source]) != key
    assert machine_cache.cached("kind", machine_cache.stamp([source]), make) == {"made": 2}
    source.unlink()
    assert machine_cache.stamp([source]) != key   # gone: another key again
    assert [p.name for p in (tmp_path / "cache" / "deepnets-course").iterdir()] and \
        not list((tmp_path / "cache" / "deepnets-course").glob("tmp*"))


def test_nothing_is_stored_for_none_or_where_it_cannot_be(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls = []
    assert machine_cache.cached("kind", "k", lambda: calls.append(1)) is None
    assert machine_cache.cached("kind", "k", lambda: calls.append(1)) is None
    assert len(calls) == 2   # None was not stored: asked again
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))   # not a folder
    assert machine_cache.cached("kind", "k", lambda: [1]) == [1]


def test_the_cached_view_and_font_list_equal_freshly_made_ones(tmp_path, monkeypatch):
    python = sandbox_python()
    before = (isolation.runtime(python) if isolation.allowlist_available() else None, font_cache(python))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty"))   # nothing cached: made anew
    isolation.runtime.cache_clear()
    font_cache.cache_clear()
    try:
        fresh = (isolation.runtime(python) if isolation.allowlist_available() else None, font_cache(python))
    finally:
        isolation.runtime.cache_clear()
        font_cache.cache_clear()
    assert fresh[0] == before[0]
    assert before[1] is not None and before[1][0] == fresh[1][0] and before[1][0].startswith("fontlist-")
    assert _fonts(fresh[1][1]) == _fonts(before[1][1])
    assert sorted(os.listdir(tmp_path / "empty" / "deepnets-course"))


def _fonts(text):
    """A font list's entries, in no order (matplotlib lists them in the order of a set)."""
    data = json.loads(text)
    return {key: sorted(json.dumps(e, sort_keys=True) for e in data[key]) for key in ("afmlist", "ttflist")}
