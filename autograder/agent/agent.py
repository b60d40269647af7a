"""The sandbox side of the call interface: runs inside the student's kernel.

It is sent into the kernel as source text (after wire.py) once the notebook has run. It serves
requests of the form

    {"op": "call",    "target": "dropout_forward", "args": [...], "kwargs": {...}, "keep": [1]}
    {"op": "method",  "handle": "h1", "name": "step", "args": [...], "kwargs": {...}, "keep": []}
    {"op": "getattr", "handle": "h1", "name": "best_params"}
    {"op": "keep",    "value": ...}                      the grader's own data, left here
    {"op": "assign",  "handle": "h2", "path": ["W"], "value": array}   changed here, in place

and answers {"value": ...} or {"error": {"type", "message", "traceback"}}. Objects that are not
plain data, and return positions listed in `keep`, stay here behind handles.

With the value come what the grader needs to check the call's contract (autograder/boundary.py):
- "changed": [[where, name, array now], ...] for every array argument the call changed;
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

RESULT_MIME = "application/vnd.course.result+json"


class Agent:
    def __init__(self, namespace):
        self.namespace = namespace
        self.objects = {}
        self._seeded = False      # did the request being decoded hold a Seed ...
        self._passed_back = set()  # ... or objects of this side (ids), passed back by handle?

    def handle(self, request_text):
        request = self._decode(request_text)
        arrays = _arrays(request, self._passed_back)
        before = [(a.shape, a.dtype, a.tobytes()) for _, a in arrays]
        rng_before = np.random.get_state()
        try:
            value = self._dispatch(request)
            if self._seeded and request["op"] == "call" and not self._passed_back:
                again = self._decode(request_text)   # fresh generators from the same seeds
                replay = {"replay": self._dispatch(again)}
            else:
                replay = {}
        except Exception as exc:  # the student's error, reported to the grader as data
            return dumps({"error": _describe(exc)}, _refuse)  # noqa: F821
        reply = {"value": self._keep(value, request.get("keep", [])), **{
            k: self._keep(v, request.get("keep", [])) for k, v in replay.items()}}
        names = self._names(request)
        changed = [[list(where), names(where), a] for (where, a), (shape, dtype, data)
                   in zip(arrays, before) if (a.shape, a.dtype, a.tobytes()) != (shape, dtype, data)]
        if changed:
            reply["changed"] = changed
        rng_after = np.random.get_state()
        if not _same_state(rng_before, rng_after):
            reply["global_rng"] = [_state(rng_before), _state(rng_after)]
        return dumps(reply, self._store)  # noqa: F821

    def _decode(self, text):
        self._seeded, self._passed_back = False, set()
        return loads(text, self._tagged)  # noqa: F821 - wire.py is sent first

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


def _arrays(request, passed_back):
    """[(where, array)] for the grader's arrays in a call's arguments: where is ("args", 0, 'W').
    Objects of this side passed back by handle are the student's own, and not looked into."""
    found = []

    def visit(value, where):
        if id(value) in passed_back:
            return
        if type(value) is np.ndarray:
            found.append((where, value))
        elif type(value) in (list, tuple):
            for i, v in enumerate(value):
                visit(v, where + (i,))
        elif type(value) is dict:
            for k, v in value.items():
                visit(v, where + (k,))
    if request["op"] in ("call", "method"):
        for i, v in enumerate(request.get("args", [])):
            visit(v, ("args", i))
        for k, v in request.get("kwargs", {}).items():
            visit(v, ("kwargs", k))
    return found


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


def serve(agent, request_text):
    """Answer one request as a display message, the only channel the grader reads."""
    from IPython.display import publish_display_data

    publish_display_data({RESULT_MIME: agent.handle(request_text)})
