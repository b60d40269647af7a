"""The call interface: plain data round-trips; anything else from the sandbox is refused."""
import json

import numpy as np
import pytest

from autograder.agent import wire
from autograder.boundary import Handle, LocalTransport, Seed, Student, StudentError


def _refuse(obj):
    raise TypeError(type(obj).__name__)


def _no_tags(tag, data):
    raise wire.WireError(tag)


@pytest.mark.parametrize("value", [
    None, True, 3, -2.5, float("inf"), "text", [1, [2, 3]], (1, "a", None), {"W1": np.eye(2)},
    np.arange(6, dtype=np.int64).reshape(2, 3), np.zeros((0, 4)), np.float64(2.0), np.array(5.0),
    np.array([True, False]), np.linspace(0, 1, 7, dtype=np.float32), np.float32(0.1), np.int32(-7),
    np.bool_(True), np.uint64(2**64 - 1),
])
def test_plain_values_round_trip(value):
    back = wire.loads(wire.dumps(value, _refuse), _no_tags)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape and np.array_equal(back, value)
    elif isinstance(value, dict):
        assert np.array_equal(back["W1"], value["W1"])
    else:
        # numpy scalars keep their type: a float32 result must be seen as one
        assert back == value and type(back) is type(value)


def test_nan_round_trips():
    assert np.isnan(wire.loads(wire.dumps(float("nan"), _refuse), _no_tags))


def _message(header, arrays=b""):
    """A message as wire.dumps lays one out: the header's length, the header, the array bytes."""
    data = header.encode("utf-8") if isinstance(header, str) else header
    return len(data).to_bytes(8, "big") + data + arrays


@pytest.mark.parametrize("data, why", [
    (_message("not json"), "not valid JSON"),
    (_message(b'"\xff\xfe"'), "not valid JSON"),
    (_message('{"__ndarray__": 0, "dtype": "object", "shape": [1]}', bytes(8)), "unsupported dtype"),
    (_message('{"__ndarray__": 0, "dtype": "float64", "shape": [5]}', bytes(8)), "not where the header says"),
    (_message('{"__ndarray__": 8, "dtype": "float64", "shape": [1]}', bytes(16)), "not where the header says"),
    (_message('[{"__ndarray__": 0, "dtype": "float64", "shape": [1]}, '
              '{"__ndarray__": 0, "dtype": "float64", "shape": [1]}]', bytes(16)), "not where the header says"),
    (_message('{"__ndarray__": 0, "dtype": "float64", "shape": [1]}', bytes(9)), "belong to no array"),
    (_message("1", b"x"), "belong to no array"),
    (_message('{"__ndarray__": true, "dtype": "float64", "shape": [0]}'), "malformed start"),
    (_message('{"__ndarray__": "AAAA", "dtype": "float64", "shape": [0]}'), "malformed start"),
    (_message('{"__ndarray__": 0, "dtype": "float64", "shape": [-1]}'), "malformed shape"),
    (_message('{"__ndarray__": 0, "dtype": "float64", "shape": [4294967296, 4294967296]}'), "malformed shape"),
    (_message('{"__ndarray__": 0, "dtype": "float64", "shape": [65536, 65536]}'), "larger than"),
    (_message('{"__ndarray__": 0, "dtype": "float64", "shape": [0, 1, 1, 1, 2147483647, 2147483647, 2147483647]}'),
     "unsupported shape"),
    (_message('{"__scalar__": "1", "dtype": "float64"}'), "does not fit"),
    (_message('{"__scalar__": 1.5, "dtype": "int64"}'), "does not fit"),
    (_message('{"__scalar__": 300, "dtype": "uint8"}'), "out of range"),
    (_message('{"__scalar__": 1, "dtype": "object"}'), "unsupported dtype"),
    (_message('{"__handle__": "h1", "type": "x"}'), "__handle__"),
    (_message('{"__tuple__": 3}'), "malformed"),
    (_message('{"a": 1}'), "malformed"),
    (_message('[' * 50 + ']' * 50), "nested"),
    (_message('"' + "x" * 200 + '"'), "exceeds"),
    (_message("1")[:5], "shorter than its header"),
    ((2**40).to_bytes(8, "big") + b"1", "shorter than its header"),
    ('{"value": 1}', "not bytes"),
])
def test_untrusted_messages_are_refused(data, why):
    with pytest.raises(wire.WireError, match=why):
        wire.loads(data, _no_tags, wire.Limits(max_message=100 if why == "exceeds" else 10**6))


def test_item_count_is_limited():
    with pytest.raises(wire.WireError, match="more than"):
        wire.loads(_message(json.dumps(list(range(1000)))), _no_tags, wire.Limits(max_items=100))


def test_arrays_travel_as_their_bytes_after_the_header():
    a, b = np.arange(3, dtype=np.int16), np.ones((2, 2), dtype=np.float32)
    data = wire.dumps({"a": a, "b": [b]}, _refuse)
    size = int.from_bytes(data[:8], "big")
    assert json.loads(data[8:8 + size]) == {"__dict__": {
        "a": {"__ndarray__": 0, "dtype": "int16", "shape": [3]},
        "b": [{"__ndarray__": 6, "dtype": "float32", "shape": [2, 2]}]}}
    assert data[8 + size:] == a.tobytes() + b.tobytes()
    back = wire.loads(data, _no_tags)
    assert back["a"].flags.writeable and np.array_equal(back["b"][0], b)


def _student(**namespace):
    return Student(LocalTransport({"np": np, **namespace}))


def test_calls_keep_objects_in_the_sandbox_behind_handles():
    class Box:
        def __init__(self, v):
            self.v = v

        def get(self):
            return self.v

    def forward(x, rng):
        return x * 2, ("cache", rng.random())

    student = _student(forward=forward, Box=Box)
    out, cache = student.call("forward", np.ones(2), Seed(0), keep=[1])
    assert np.array_equal(out, [2.0, 2.0]) and isinstance(cache, Handle)
    box = student.Box(np.arange(3))
    assert isinstance(box, Handle) and box.type_name == "Box"
    assert np.array_equal(student.method(box, "get"), np.arange(3))
    assert np.array_equal(student.attr(box, "v"), np.arange(3))


def test_student_errors_are_reported_as_data():
    def broken(x):
        raise ValueError("shapes do not match")

    with pytest.raises(StudentError, match="broken raised ValueError: shapes do not match"):
        _student(broken=broken).broken(1)
    with pytest.raises(StudentError, match="not defined in your notebook"):
        _student().missing(1)


def test_lying_objects_arrive_as_plain_values():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

    def f():
        return np.zeros(3).view(Liar)

    got = _student(f=f).f()
    assert type(got) is np.ndarray and not np.array_equal(got, np.ones(3))


def test_a_forged_reply_is_refused():
    class Forger:
        def request(self, message, what):
            return _message('{"__dict__": {"value": 1, "extra": 2}}')

    with pytest.raises(StudentError, match="malformed"):
        Student(Forger()).f()
