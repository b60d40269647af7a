"""The sandbox side of the call interface: runs inside the student's kernel.

It is sent into the kernel as source text (after wire.py) once the notebook has run, and `serve`
then answers the grader's requests over a socket of the kernel's own, one at a time, without
going through Jupyter's messaging. Requests have the form

    {"op": "call",    "target": "dropout_forward", "args": [...], "kwargs": {...}, "keep": [1]}
    {"op": "method",  "handle": "h1", "name": "step", "args": [...], "kwargs": {...}, "keep": []}
    {"op": "getattr", "handle": "h1", "name": "best_params"}
    {"op": "keep",    "value": ...}                      the grader's own data, left here
    {"op": "assign",  "handle": "h2", "path": ["W"], "value": array}   changed here, in place

and answers {"value": ...} or {"error": {"type", "message", "traceback"}}. Objects that are not
plain data, and return positions listed in `keep`, stay here behind handles.

With the value come what the grader needs to check the call's contract (autograder/boundary.py):
- "changed": [[where, name, value now], ...] for every argument (an array, or a list or dict the
  grader sent) whose contents the call changed;
- "global_rng": [state before, state after] if the call moved numpy's global random state;
- "replay": for a call given a generator (a Seed), the value of a second call made with the same
  request decoded again, so with generators of the same seed.

Nothing here is trusted by the grader: student code can replace any of it, and the grader treats
every answer as untrusted text (autograder/boundary.py). The contract checks are for honest
mistakes; code that fakes them only hides a mistake that earns it nothing.
"""
import inspect
import traceback

import numpy as np

class Agent:
    def __init__(self, namespace):
        self.namespace = namespace
        self.objects = {}
        self._seeded = False      # did the request being decoded hold a Seed ...
        self._passed_back = set()  # ... or objects of this side (ids), passed back by handle?

    def handle(self, message):
        """One request message (bytes) in, its reply message out."""
        request = self._decode(message)
        before = [(where, _snapshot(v, self._passed_back)) for where, v in _arguments(request)]
        rng_before = np.random.get_state()
        try:
            value = self._dispatch(request)
            if self._seeded and request["op"] == "call" and not self._passed_back:
                again = self._decode(message)   # fresh generators from the same seeds
                replay = {"replay": self._dispatch(again)}
            else:
                replay = {}
        except Exception as exc:  # the student's error, reported to the grader as data
            return dumps({"error": _describe(exc)}, _refuse)  # noqa: F821
        reply = {"value": self._keep(value, request.get("keep", [])), **{
            k: self._keep(v, request.get("keep", [])) for k, v in replay.items()}}
        names = self._names(request)
        places = []
        for where, snap in before:
            _changes(snap, _at(request, where), where, places)
        changed = [[list(where), names(where), _at(request, where)] for where in places]
        if changed:
            reply["changed"] = changed
        rng_after = np.random.get_state()
        if not _same_state(rng_before, rng_after):
            reply["global_rng"] = [_state(rng_before), _state(rng_after)]
        return dumps(reply, self._store)  # noqa: F821

    def _decode(self, message):
        self._seeded, self._passed_back = False, set()
        return loads(message, self._tagged)  # noqa: F821 - wire.py is sent first

    def _dispatch(self, request):
        op, args, kwargs = request["op"], request.get("args", []), request.get("kwargs", {})
        if op == "call":
            return self._target(request)(*args, **kwargs)
        if op == "keep":
            return _Kept(request["value"])
        obj = self.objects[request["handle"]]
        if op == "method":
            return getattr(obj, request["name"])(*args, **kwargs)
        if op == "getattr":
            return getattr(obj, request["name"])
        if op == "assign":
            for key in request["path"]:
                obj = obj[key]
            obj[...] = request["value"]
            return None
        raise ValueError(f"unknown op {op!r}")

    def _target(self, request):
        target = self.namespace.get(request["target"])
        if target is None:
            raise NameError(f"name '{request['target']}' is not defined in your notebook")
        return target

    def _names(self, request):
        """where -> the parameter's name in the student's own signature, e.g. 'weights[1]'."""
        try:
            fn = (self._target(request) if request["op"] == "call" else
                  getattr(self.objects[request["handle"]], request["name"]))
            params = list(inspect.signature(fn).parameters)
        except Exception:
            params = []

        def name(where):
            kind, first, *rest = where
            base = (first if kind == "kwargs" else
                    params[first] if first < len(params) else f"argument {first + 1}")
            return str(base) + "".join(f"[{k!r}]" for k in rest)
        return name

    def _keep(self, value, keep):
        keep = set(keep)
        if keep and type(value) is tuple:
            return tuple(_Kept(v) if i in keep else v for i, v in enumerate(value))
        return _Kept(value) if keep else value

    def _store(self, obj):
        """Keep `obj` here (it is not plain data, or the grader asked to keep it): a handle goes back."""
        obj = obj.obj if isinstance(obj, _Kept) else obj
        handle = f"h{len(self.objects) + 1}"
        self.objects[handle] = obj
        return {"__handle__": handle, "type": type(obj).__name__}

    def _tagged(self, tag, data):
        if tag == "__rng__":
            self._seeded = True
            return np.random.default_rng(int(data["__rng__"]))
        obj = self.objects[data["__handle__"]]
        self._passed_back.add(id(obj))
        return obj


class _Kept:
    """Marks a return value the grader asked to leave in the sandbox."""

    def __init__(self, obj):
        self.obj = obj


def _arguments(request):
    """[(where, value)] for a call's arguments: where is ("args", 0) or ("kwargs", "x")."""
    if request["op"] not in ("call", "method"):
        return []
    return [(("args", i), v) for i, v in enumerate(request.get("args", []))] + \
           [(("kwargs", k), v) for k, v in request.get("kwargs", {}).items()]


def _snapshot(value, passed_back):
    """What a value the grader sent holds (arrays' bytes, containers' items), to see later whether
    the call changed it. Objects of this side passed back by handle are the student's own."""
    if id(value) in passed_back:
        return None
    if type(value) is np.ndarray:
        return ("array", value.shape, value.dtype.str, value.tobytes())
    if type(value) in (list, tuple):
        return (type(value), [_snapshot(v, passed_back) for v in value])
    if type(value) is dict:
        return (dict, {k: _snapshot(v, passed_back) for k, v in value.items()})
    return ("value",)   # numbers, strings, None: immutable


def _changes(snap, value, where, found):
    """Append to `found` the places (where) whose contents differ from the snapshot."""
    if snap is None or snap[0] == "value":
        return
    if snap[0] == "array":
        if type(value) is not np.ndarray or (value.shape, value.dtype.str, value.tobytes()) != snap[1:]:
            found.append(where)
        return
    kind, items = snap
    if type(value) is not kind or len(value) != len(items) or kind is dict and value.keys() != items.keys():
        found.append(where)
        return
    for key, item in (items.items() if kind is dict else enumerate(items)):
        _changes(item, value[key], where + (key,), found)


def _at(value, where):
    for key in where:
        value = value[key]
    return value


def _state(s):
    return (s[1].copy(), int(s[2]), int(s[3]), float(s[4]))


def _same_state(a, b):
    return a[1].tobytes() == b[1].tobytes() and a[2:] == b[2:]


def _refuse(obj):
    raise TypeError(f"cannot encode {type(obj).__name__}")


def _describe(exc):
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != "<course agent>"]
    return {"type": type(exc).__name__, "message": str(exc)[:2000],
            "traceback": "".join(traceback.format_list(frames))[-4000:]}


def serve(agent, fd):
    """Answer the grader's requests on the socket `fd` (a socketpair end the kernel inherited)
    until the grader closes it. A frame is its length and its call number (8 bytes each,
    big-endian) then a message (wire.py); a reply carries its request's call number."""
    import socket

    with socket.socket(fileno=fd) as channel:
        while True:
            header = _read_exactly(channel, 16)
            if header is None:
                return
            size, number = int.from_bytes(header[:8], "big"), header[8:]
            request = _read_exactly(channel, size)
            if request is None:
                return
            try:
                reply = agent.handle(request)
            except BaseException as exc:  # SystemExit from a student function: still an answer
                reply = dumps({"error": _describe(exc)}, _refuse)  # noqa: F821
            channel.sendall(len(reply).to_bytes(8, "big") + number + reply)


def _read_exactly(channel, size):
    chunks, left = [], size
    while left:
        chunk = channel.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
