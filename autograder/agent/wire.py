"""The plain-data wire format spoken between the grader and a sandboxed kernel.

A message is bytes: its header's length (8 bytes, big-endian), the header as UTF-8 JSON, then the
raw bytes of its arrays, one after another. Only these cross, in the header:

    None, bool, int, float (NaN and +-inf included), str
    list, tuple            -> {"__tuple__": [...]} for tuples
    dict with str keys     -> {"__dict__": {...}} (so a student dict can never pose as a tag)
    numpy arrays           -> {"__ndarray__": 0, "dtype": "float64", "shape": [2, 3]}, 0 being where
                              its bytes (C order) start after the header: each array's start where
                              the one before it ended, the last one's end the message's
    numpy scalars          -> {"__scalar__": 0.5, "dtype": "float32"} (so a float32 result stays one)
    tagged references      -> {"__rng__": seed}, {"__handle__": "h1", "type": "EarlyStopping"}

Arrays travel as their bytes, not as text, because a suite's samples are large: a 250,000-value
array costs a copy at each end instead of base64 and JSON at both.

This file is standalone (json and numpy only) because it also runs inside the sandbox, sent there
as source text. The grader decodes what comes back with `loads(..., limits)`, which checks every
size and type before building anything; nothing is ever unpickled or evaluated.
"""
import json
import math

import numpy as np

# dtypes an array may carry across; anything else (object, structured, datetime) is refused.
DTYPES = frozenset(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64".split()
)
TAGS = ("__tuple__", "__dict__", "__ndarray__", "__scalar__", "__rng__", "__handle__")
MAX_DIMENSION = 2**31
HEADER_LENGTH = 8


class WireError(ValueError):
    """Raised for anything that is not plain data of the allowed kinds and sizes."""


class Limits:
    """Size limits for decoding untrusted messages. Defaults suit the course's test inputs."""

    def __init__(self, max_message=64 * 2**20, max_depth=20, max_items=100_000, max_array_bytes=32 * 2**20):
        self.max_message = max_message
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_array_bytes = max_array_bytes


class _Arrays:
    """The array bytes of one message: appended while encoding, taken in order while decoding."""

    def __init__(self, data=memoryview(b"")):
        self.parts, self.data, self.end = [], data, 0

    def add(self, raw):
        start, self.end = self.end, self.end + len(raw)
        self.parts.append(raw)
        return start

    def take(self, start, size):
        if start != self.end or start + size > len(self.data):
            raise WireError("array bytes are not where the header says")
        self.end += size
        return self.data[start:self.end]


def to_plain(obj, other, arrays, depth=0):
    """Turn `obj` into JSON-ready data, its arrays' bytes added to `arrays`; `other(obj)` encodes
    anything that is not plain data."""
    if depth > 40:
        raise WireError("data nested more than 40 levels deep")
    if obj is None or type(obj) in (bool, str):
        return obj
    if type(obj) in (int, float):
        return obj
    if isinstance(obj, np.generic) and obj.dtype.name in DTYPES:
        return {"__scalar__": obj.item(), "dtype": obj.dtype.name}
    if isinstance(obj, bool):
        return bool(obj)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, np.ndarray):
        arr = np.asarray(obj.view(np.ndarray), order="C")
        if arr.dtype.name not in DTYPES:
            return other(obj)
        return {"__ndarray__": arrays.add(arr.tobytes()), "dtype": arr.dtype.name, "shape": list(arr.shape)}
    if type(obj) is tuple:
        return {"__tuple__": [to_plain(v, other, arrays, depth + 1) for v in obj]}
    if type(obj) is list:
        return [to_plain(v, other, arrays, depth + 1) for v in obj]
    if type(obj) is dict and all(type(k) is str for k in obj):
        return {"__dict__": {k: to_plain(v, other, arrays, depth + 1) for k, v in obj.items()}}
    return other(obj)


def dumps(obj, other):
    """`obj` as one message (bytes)."""
    arrays = _Arrays()
    header = json.dumps(to_plain(obj, other, arrays)).encode("utf-8")
    return b"".join([len(header).to_bytes(HEADER_LENGTH, "big"), header, *arrays.parts])


def loads(data, tagged, limits=None):
    """Decode a message into plain Python and numpy values.

    `tagged(tag, value)` builds the objects for "__rng__" and "__handle__" entries (or refuses
    them by raising WireError). With `limits`, the message is treated as untrusted.
    """
    limits = limits or Limits()
    if type(data) is not bytes:
        raise WireError("reply is not bytes")
    if len(data) > limits.max_message:
        raise WireError(f"reply of {len(data)} bytes exceeds the {limits.max_message} limit")
    size = int.from_bytes(data[:HEADER_LENGTH], "big")
    if len(data) < HEADER_LENGTH or size > len(data) - HEADER_LENGTH:
        raise WireError("reply is shorter than its header says")
    try:
        tree = json.loads(data[HEADER_LENGTH:HEADER_LENGTH + size].decode("utf-8"))
    except (ValueError, RecursionError) as exc:   # UnicodeDecodeError is a ValueError
        raise WireError(f"reply is not valid JSON ({type(exc).__name__})") from None
    arrays = _Arrays(memoryview(data)[HEADER_LENGTH + size:])   # a view: no copy of the arrays' bytes
    value = _build(tree, tagged, limits, 0, [0], arrays)
    if arrays.end != len(arrays.data):
        raise WireError("reply has bytes that belong to no array")
    return value


def _build(data, tagged, limits, depth, count, arrays):
    count[0] += 1
    if count[0] > limits.max_items:
        raise WireError(f"reply holds more than {limits.max_items} values")
    if depth > limits.max_depth:
        raise WireError(f"reply nested more than {limits.max_depth} levels deep")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [_build(v, tagged, limits, depth + 1, count, arrays) for v in data]
    if type(data) is not dict or len(data) == 0:
        raise WireError(f"unexpected JSON value of type {type(data).__name__}")
    tag = next((t for t in TAGS if t in data), None)
    if tag == "__tuple__" and type(data[tag]) is list and len(data) == 1:
        return tuple(_build(v, tagged, limits, depth + 1, count, arrays) for v in data[tag])
    if tag == "__dict__" and type(data[tag]) is dict and len(data) == 1:
        return {str(k): _build(v, tagged, limits, depth + 1, count, arrays) for k, v in data[tag].items()}
    if tag == "__ndarray__":
        return _array(data, limits, arrays)
    if tag == "__scalar__":
        return _scalar(data)
    if tag in ("__rng__", "__handle__"):
        return tagged(tag, data)
    raise WireError("malformed tagged value")


def _array(data, limits, arrays):
    dtype, shape, start = data.get("dtype"), data.get("shape"), data.get("__ndarray__")
    if set(data) != {"__ndarray__", "dtype", "shape"} or dtype not in DTYPES:
        raise WireError(f"array of unsupported dtype {dtype!r}")
    if type(shape) is not list or len(shape) > 8 or not all(
            type(n) is int and 0 <= n < MAX_DIMENSION for n in shape):
        raise WireError("array with a malformed shape")
    if type(start) is not int:
        raise WireError("array with a malformed start")
    dt = np.dtype(dtype)
    size = math.prod(shape) * dt.itemsize   # Python ints: no overflow
    if size > limits.max_array_bytes:
        raise WireError(f"array larger than {limits.max_array_bytes} bytes")
    raw = arrays.take(start, size)
    try:
        return np.frombuffer(raw, dtype=dt).reshape(tuple(shape)).copy()
    except (ValueError, OverflowError, MemoryError):   # e.g. a size-0 array of absurd dimensions
        raise WireError("array with an unsupported shape") from None


def _scalar(data):
    dtype, value = data.get("dtype"), data.get("__scalar__")
    if set(data) != {"__scalar__", "dtype"} or dtype not in DTYPES:
        raise WireError(f"scalar of unsupported dtype {dtype!r}")
    kind = np.dtype(dtype).kind
    if not (type(value) is bool if kind == "b" else type(value) is int if kind in "iu"
            else type(value) in (int, float)):
        raise WireError(f"scalar value does not fit its dtype {dtype}")
    try:
        return np.dtype(dtype).type(value)
    except (OverflowError, ValueError):
        raise WireError(f"scalar value out of range for {dtype}") from None
