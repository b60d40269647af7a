"""The capstone's model file: a trained MLP as plain data, and the points its accuracy earns.

    from coursekit.capstone import MODEL_FILE, save_model, load_model, check_model, points_fraction

    save_model(layers, MODEL_FILE)        # in your notebook, after training
    layers = load_model(MODEL_FILE)       # what the grader does, in its own process
    check_model(layers)                   # raises ModelRejected with a reason if it breaks a rule

A model is a list of layers, each a dict with a "type" from a fixed vocabulary and its arrays:

    {"type": "affine", "W": (fan_in, fan_out), "b": (fan_out,)}
    {"type": "batchnorm", "gamma": (D,), "beta": (D,), "running_mean": (D,), "running_var": (D,)}
        evaluated with the running statistics, eps = 1e-5 (as torch.nn.BatchNorm1d in eval mode)
    {"type": "dropout", "p": float}      the identity at test time (inverted dropout)
    {"type": "relu"}, {"type": "leaky_relu"} (slope 0.01), {"type": "elu"} (alpha 1),
    {"type": "selu"}, {"type": "tanh"}, {"type": "sigmoid"}

It takes (N, 400) digits and ends with an affine layer giving (N, 10) class scores. The file is an
.npz holding the architecture as JSON text and every array as float64: nothing in it is code, and
it is read with allow_pickle=False, so a file can only ever describe a network, never run one.
"""
import io
import json
import zipfile
from pathlib import Path

import numpy as np

MODEL_FILE = "capstone_model.npz"
INPUTS, CLASSES = 400, 10
MAX_FILE_BYTES = 16 * 2**20
MAX_PARAMETERS = 1_000_000
MAX_AFFINE_LAYERS = 8       # the depth cap
MAX_LAYERS = 40
ACTIVATIONS = ("relu", "leaky_relu", "elu", "selu", "tanh", "sigmoid")
ARRAYS = {"affine": ("W", "b"), "batchnorm": ("gamma", "beta", "running_mean", "running_var"),
          "dropout": (), **{a: () for a in ACTIVATIONS}}
# Accuracy on the test digits -> fraction of the points: 0 at or below the first, all at or above
# the last, linear in between (the notebook states the same table).
THRESHOLDS = ((0.80, 0.0), (0.94, 1.0))


class ModelRejected(ValueError):
    """The model file breaks a rule; the message says which, in words a student can act on."""


def points_fraction(accuracy):
    """The fraction of the accuracy item's points that `accuracy` earns (THRESHOLDS)."""
    xs, ys = zip(*THRESHOLDS)
    return float(np.interp(accuracy, xs, ys))


def save_model(layers, path=MODEL_FILE):
    """Write `layers` (the list described above) to `path` as an .npz of float64 arrays."""
    check_model(layers)
    Path(path).write_bytes(model_bytes(layers))
    return Path(path)


def model_bytes(layers):
    """The bytes of the model file of `layers`, unchecked (save_model checks first)."""
    architecture = [{k: v for k, v in layer.items() if k not in ARRAYS.get(layer["type"], ())} for layer in layers]
    arrays = {f"{i}.{name}": np.asarray(layer[name], dtype=np.float64)
              for i, layer in enumerate(layers) for name in ARRAYS.get(layer["type"], ())}
    buf = io.BytesIO()
    np.savez(buf, architecture=np.array(json.dumps(architecture)), **arrays)
    return buf.getvalue()


def load_model(path, max_bytes=MAX_FILE_BYTES):
    """Read a model file without running anything in it: size-capped, no pickle; then check it.

    Returns the list of layers, or raises ModelRejected saying what is wrong with the file."""
    path = Path(path)
    if not path.is_file():
        raise ModelRejected(f"there is no model file {path.name} next to the notebook: run the "
                            f"training cell (it saves the file), then submit the file with the notebook")
    size = path.stat().st_size
    if size > max_bytes:
        raise ModelRejected(f"{path.name} is {size / 2**20:.1f} MB, over the {max_bytes / 2**20:.0f} MB "
                            f"limit: use a smaller network (at most {MAX_PARAMETERS:,} parameters)")
    with open(path, "rb") as f:
        raw = f.read(max_bytes + 1)
    members = _members(path.name, raw, max_bytes)
    if "architecture" not in members or members["architecture"].dtype.kind != "U" or members["architecture"].shape != ():
        raise ModelRejected(f"{path.name} has no architecture text: write it with save_model")
    try:
        architecture = json.loads(str(members.pop("architecture")))
    except ValueError:
        raise ModelRejected(f"the architecture in {path.name} is not valid JSON: write it with save_model") from None
    if type(architecture) is not list or not all(type(a) is dict for a in architecture):
        raise ModelRejected(f"the architecture in {path.name} is not a list of layers")
    layers = [dict(a) for a in architecture]
    for i, layer in enumerate(layers):
        for name in ARRAYS.get(layer.get("type"), ()):
            if f"{i}.{name}" not in members:
                raise ModelRejected(f"layer {i} ({layer['type']}) has no array {name!r} in {path.name}")
            layer[name] = members.pop(f"{i}.{name}")
    if members:
        raise ModelRejected(f"{path.name} holds arrays no layer uses: {', '.join(sorted(members)[:5])}")
    check_model(layers)
    return layers


def _members(name, raw, max_bytes):
    """{member name: array} of an .npz given as bytes, reading no more than max_bytes in all."""
    if raw[:1] == b"\x80" or raw[:2] in (b"(d", b"(l"):
        raise ModelRejected(f"{name} is a pickle: pickles can run code, so they are never loaded. "
                            f"Save the model with save_model (an .npz of arrays)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ModelRejected(f"{name} is not an .npz file: save the model with save_model") from None
    members, left = {}, max_bytes
    with zf:
        for info in zf.infolist():
            if not info.filename.endswith(".npy") or info.file_size > left:
                raise ModelRejected(f"{name} holds {info.filename!r}, which is not an array of a "
                                    f"model within the size limit")
            left -= info.file_size
            try:
                with zf.open(info) as f:
                    data = f.read(info.file_size + 1)
                members[info.filename[:-4]] = np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
            except ValueError as exc:
                why = "an array of Python objects (a pickle)" if "pickle" in str(exc) else "not a readable array"
                raise ModelRejected(f"{info.filename} in {name} is {why}: every array must be "
                                    f"float64 numbers") from None
            except (zipfile.BadZipFile, OSError, EOFError):
                raise ModelRejected(f"{name} is a damaged .npz file: save the model again") from None
    return members


def check_model(layers):
    """Raise ModelRejected unless `layers` is a model of the vocabulary within the limits.

    Returns the number of parameters."""
    if type(layers) is not list or not layers:
        raise ModelRejected("the model should be a non-empty list of layers")
    if len(layers) > MAX_LAYERS:
        raise ModelRejected(f"the model has {len(layers)} layers; at most {MAX_LAYERS} are allowed")
    width, affine, count = INPUTS, 0, 0
    for i, layer in enumerate(layers):
        kind = layer.get("type") if type(layer) is dict else None
        if kind not in ARRAYS:
            raise ModelRejected(f"layer {i} has type {kind!r}, which is not one of the allowed layers: "
                                f"{', '.join(ARRAYS)}")
        extra = set(layer) - {"type", *ARRAYS[kind]} - ({"p"} if kind == "dropout" else set())
        if extra:
            raise ModelRejected(f"layer {i} ({kind}) has unexpected entries: {', '.join(sorted(map(str, extra)))}")
        if kind == "dropout":
            p = layer.get("p", 0.0)
            if type(p) not in (int, float) or not 0 <= p < 1:
                raise ModelRejected(f"layer {i} (dropout) needs a drop probability 0 <= p < 1, got {p!r}")
        for name in ARRAYS[kind]:
            a = layer.get(name)
            if not isinstance(a, np.ndarray) or a.dtype != np.float64:
                raise ModelRejected(f"layer {i} ({kind}): {name} should be a float64 array, but is "
                                    + (f"of dtype {a.dtype}" if isinstance(a, np.ndarray) else type(a).__name__))
            if not np.all(np.isfinite(a)):
                raise ModelRejected(f"layer {i} ({kind}): {name} contains NaN or inf (did training "
                                    f"diverge? try a smaller learning rate)")
            count += a.size
        if kind == "affine":
            W, b = layer["W"], layer["b"]
            if W.ndim != 2 or W.shape[0] != width or b.shape != (W.shape[1],):
                raise ModelRejected(f"layer {i} (affine) gets inputs of width {width}, so W should have "
                                    f"shape ({width}, fan_out) and b shape (fan_out,); they have shapes "
                                    f"{W.shape} and {b.shape}")
            width, affine = W.shape[1], affine + 1
        elif kind == "batchnorm":
            bad = [n for n in ARRAYS[kind] if layer[n].shape != (width,)]
            if bad:
                raise ModelRejected(f"layer {i} (batchnorm) gets inputs of width {width}, so {bad[0]} "
                                    f"should have shape ({width},), not {layer[bad[0]].shape}")
            if np.any(layer["running_var"] < 0):
                raise ModelRejected(f"layer {i} (batchnorm): running_var has negative entries")
    if affine > MAX_AFFINE_LAYERS:
        raise ModelRejected(f"the model has {affine} affine layers; at most {MAX_AFFINE_LAYERS} are allowed")
    if count > MAX_PARAMETERS:
        raise ModelRejected(f"the model has {count:,} parameters; at most {MAX_PARAMETERS:,} are allowed")
    if layers[-1]["type"] != "affine" or width != CLASSES:
        raise ModelRejected(f"the model must end with an affine layer giving {CLASSES} class scores "
                            f"(it ends with {layers[-1]['type']} of width {width})")
    return count
