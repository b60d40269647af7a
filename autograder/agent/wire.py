"""The plain-data wire format spoken between the grader and a sandboxed kernel.

Only these cross, as JSON text:

    None, bool, int, float (NaN and +-inf included), str
    list, tuple            -> {"__tuple__": [...]} for tuples
    dict with str keys     -> {"__dict__": {...}} (so a student dict can never pose as a tag)
    numpy arrays           -> {"__ndarray__": base64 bytes, "dtype": "float64", "shape": [2, 3]}
    numpy scalars          -> {"__scalar__": 0.5, "dtype": "float32"} (so a float32 result stays one)
    tagged references      -> {"__rng__": seed}, {"__handle__": "h1", "type": "EarlyStopping"}

This file is standalone (json, base64 and numpy only) because it also runs inside the sandbox,
sent there as source text. The grader decodes what comes back with `loads(..., limits)`, which
checks every size and type before building anything; nothing is ever unpickled or evaluated.
"""
import base64
import json
import math

import numpy as np

# dtypes an array may carry across; anything else (object, structured, datetime) is refused.
DTYPES = frozenset(
    "bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64".split()
)
TAGS = ("__tuple__", "__dict__", "__ndarray__", "__scalar__", "__rng__", "__handle__")
MAX_DIMENSION = 2**31


class WireError(ValueError):
    """Raised for anything that is not plain data of the allowed kinds and sizes."""


class Limits:
    """Size limits for decoding untrusted text. Defaults suit the course's test inputs."""

    def __init__(self, max_text=64 * 2**20, max_depth=20, max_items=100_000, max_array_bytes=32 * 2**20):
        self.max_text = max_text
        self.max_depth = max_depth
        self.max_items = max_items
        self.max_array_bytes = max_array_bytes


def to_plain(obj, other, depth=0):
    """Turn `obj` into JSON-ready data; `other(obj)` encodes anything that is not plain data."""
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
        return {"__ndarray__": base64.b64encode(arr.tobytes()).decode("ascii"),
                "dtype": arr.dtype.name, "shape": list(arr.shape)}
    if type(obj) is tuple:
        return {"__tuple__": [to_plain(v, other, depth + 1) for v in obj]}
    if type(obj) is list:
        return [to_plain(v, other, depth + 1) for v in obj]
    if type(obj) is dict and all(type(k) is str for k in obj):
        return {"__dict__": {k: to_plain(v, other, depth + 1) for k, v in obj.items()}}
    return other(obj)


def dumps(obj, other):
    return json.dumps(to_plain(obj, other))


def loads(text, tagged, limits=None):
    """Decode wire text into plain Python and numpy values.

    `tagged(tag, value)` builds the objects for "__rng__" and "__handle__" entries (or refuses
    them by raising WireError). With `limits`, the text is treated as untrusted.
    """
    limits = limits or Limits()
    if not isinstance(text, str):
        raise WireError("reply is not text")
    if len(text) > limits.max_text:
        raise WireError(f"reply of {len(text)} characters exceeds the {limits.max_text} limit")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WireError(f"reply is not valid JSON ({type(exc).__name__})") from None
    count = [0]
    return _build(data, tagged, limits, 0, count)


def _build(data, tagged, limits, depth, count):
    count[0] += 1
    if count[0] > limits.max_items:
        raise WireError(f"reply holds more than {limits.max_items} values")
    if depth > limits.max_depth:
        raise WireError(f"reply nested more than {limits.max_depth} levels deep")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [_build(v, tagged, limits, depth + 1, count) for v in data]
    if type(data) is not dict or len(data) == 0:
        raise WireError(f"unexpected JSON value of type {type(data).__name__}")
    tag = next((t for t in TAGS if t in data), None)
    if tag == "__tuple__" and type(data[tag]) is list and len(data) == 1:
        return tuple(_build(v, tagged, limits, depth + 1, count) for v in data[tag])
    if tag == "__dict__" and type(data[tag]) is dict and len(data) == 1:
        return {str(k): _build(v, tagged, limits, depth + 1, count) for k, v in data[tag].items()}
    if tag == "__ndarray__":
        return _array(data, limits)
    if tag == "__scalar__":
        return _scalar(data)
    if tag in ("__rng__", "__handle__"):
        return tagged(tag, data)
    raise WireError("malformed tagged value")


def _array(data, limits):
    dtype, shape, payload = data.get("dtype"), data.get("shape"), data.get("__ndarray__")
    if set(data) != {"__ndarray__", "dtype", "shape"} or dtype not in DTYPES:
        raise WireError(f"array of unsupported dtype {dtype!r}")
    if type(shape) is not list or len(shape) > 8 or not all(
            type(n) is int and 0 <= n < MAX_DIMENSION for n in shape):
        raise WireError("array with a malformed shape")
    if type(payload) is not str or len(payload) > 4 * limits.max_array_bytes // 3 + 8:
        raise WireError(f"array larger than {limits.max_array_bytes} bytes")
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError:
        raise WireError("array bytes are not valid base64") from None
    dt = np.dtype(dtype)
    if len(raw) != math.prod(shape) * dt.itemsize:   # Python ints: no overflow
        raise WireError("array bytes do not match its shape and dtype")
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
