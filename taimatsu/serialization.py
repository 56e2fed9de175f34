"""torch.save / torch.load in PyTorch's own file format.

A file is a zip archive (stored, not compressed) holding `ARCHIVE/data.pkl`, a
protocol-2 pickle of the object in which every tensor is a call of
`torch._utils._rebuild_tensor_v2` on a *persistent id* naming a storage, and
`ARCHIVE/data/KEY`, the raw little-endian bytes of each storage, each record
aligned to 64 bytes.  taimatsu writes exactly what torch writes (torch's names
included, so that real PyTorch loads our files, with weights_only=True too), and
reads what torch writes.

Loading never runs code from the file: the unpickler resolves only globals on an
allowlist (containers, tensor rebuild functions, dtypes, torch.Size,
torch.device ...) to taimatsu's own objects and refuses anything else with
pickle.UnpicklingError naming the global.  `weights_only=True` is therefore the
only mode; `weights_only=False` additionally admits nn.Module and Optimizer
subclasses from modules that are already imported (so that `torch.save(model)`
round-trips), and never anything else.  `add_safe_globals` extends the allowlist
as in torch.
"""
import _compat_pickle
import codecs
import collections
import contextlib
import io
import os
import pickle
import sys
import warnings

from . import _dtype as D
from ._backend import numpy as np
from ._device import device as _device_cls
from ._device import strided
from ._tensor import Size, Tensor, _wrap

__all__ = [
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "load",
    "safe_globals",
    "save",
]

_ALIGNMENT = 64
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C

# storage class name -> numpy dtype (BFloat16 has none: it is widened on load)
_STORAGE_NP = {d._legacy.replace("Tensor", "Storage"): d._np for d in D.ALL}
_STORAGE_NP["UntypedStorage"] = np.dtype(np.uint8)
_STORAGE_OF = {d._np: d._legacy.replace("Tensor", "Storage") for d in D.ALL}


# ===================================================================== saving
class _TorchName:
    """A global of PyTorch's namespace, written into the pickle by name only."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):
        # never called: pickle only insists that a reduce function be callable
        raise TypeError(f"{self.module}.{self.name} exists only inside a checkpoint")


_REBUILD_TENSOR = _TorchName("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchName("torch._utils", "_rebuild_parameter")
_TORCH_SIZE = _TorchName("torch", "Size")
_TORCH_DEVICE = _TorchName("torch", "device")


class _StorageRef:
    """A storage to be written as data/KEY and referenced by persistent id."""

    __slots__ = ("array", "key")

    def __init__(self, key, array):
        self.key = key
        self.array = array  # contiguous, one-dimensional


class _TensorArgs:
    """The arguments of one _rebuild_tensor_v2 call (a Parameter's inner tensor)."""

    __slots__ = ("args",)

    def __init__(self, args):
        self.args = args


class _Storages:
    """Assigns storages to tensors: tensors viewing one numpy buffer share one storage,
    as views of one torch storage do; anything else gets a contiguous copy of its own."""

    def __init__(self):
        self.refs = []
        self._by_owner = {}

    def locate(self, array):
        """(storage ref, offset, size, stride) describing `array` (all in elements)."""
        owner = array
        while isinstance(owner.base, np.ndarray):
            owner = owner.base
        found = self._view_of(owner, array)
        if found is not None:
            return found
        copy = np.ascontiguousarray(array).reshape(-1)
        return self._new_ref(copy), 0, array.shape, _contiguous_strides(array.shape)

    def _view_of(self, owner, array):
        item = array.itemsize
        if owner.dtype != array.dtype or not owner.flags.c_contiguous or array.size == 0:
            return None
        offset = array.__array_interface__["data"][0] - owner.__array_interface__["data"][0]
        if offset < 0 or offset % item or any(s < 0 or s % item for s in array.strides):
            return None
        offset //= item
        strides = tuple(s // item for s in array.strides)
        last = offset + sum((n - 1) * s for n, s in zip(array.shape, strides))
        if last >= owner.size:
            return None
        ref = self._by_owner.get(id(owner))
        if ref is None:
            ref = self._by_owner[id(owner)] = self._new_ref(owner.reshape(-1))
        return ref, offset, array.shape, strides

    def _new_ref(self, flat):
        ref = _StorageRef(str(len(self.refs)), flat)
        self.refs.append(ref)
        return ref


def _contiguous_strides(shape):
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


def _save_torch_name(pickler, obj):
    pickler.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("ascii"))
    pickler.memoize(obj)


def _save_dtype(pickler, obj):
    _save_torch_name(pickler, _TorchName("torch", obj._name))


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, which lets us write torch's globals by name without
    importing torch; tensors become _rebuild_tensor_v2 calls on storages."""

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[_TorchName] = _save_torch_name
    dispatch[D.dtype] = _save_dtype

    def __init__(self, file, storages, protocol):
        super().__init__(file, protocol=protocol)
        self.storages = storages

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            name = _STORAGE_OF[obj.array.dtype]
            return ("storage", _TorchName("torch", name), obj.key, "cpu", obj.array.size)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        cls = type(obj)
        if cls is _TensorArgs:
            return _REBUILD_TENSOR, obj.args
        if cls is Size:
            return _TORCH_SIZE, (tuple(obj),)
        if cls is _device_cls:
            return _TORCH_DEVICE, (str(obj),)
        return NotImplemented

    def _reduce_tensor(self, t):
        ref, offset, size, stride = self.storages.locate(t._data)
        hooks = collections.OrderedDict()
        if t._is_param:
            inner = _TensorArgs((ref, offset, tuple(size), stride, False, hooks))
            return _REBUILD_PARAMETER, (inner, t._requires_grad, collections.OrderedDict())
        return _REBUILD_TENSOR, (ref, offset, tuple(size), stride, t._requires_grad, hooks)


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save obj to f (a path or a writable binary file) in PyTorch's zip format.

    The legacy (pre-1.6) format is never written: _use_new_zipfile_serialization
    is accepted and ignored.
    """
    storages = _Storages()
    buffer = io.BytesIO()
    _Pickler(buffer, storages, pickle_protocol).dump(obj)
    if isinstance(f, (str, os.PathLike)):
        archive = _archive_name(os.fspath(f))
        with open(f, "wb") as fh:
            _write_zip(fh, archive, buffer.getvalue(), storages.refs)
    else:
        _write_zip(f, "archive", buffer.getvalue(), storages.refs)


def _archive_name(path):
    """torch's record prefix: the file's base name up to its last dot."""
    base = os.path.basename(path)
    stem = base[:base.rfind(".")] if "." in base else base
    return stem or "archive"


def _write_zip(fh, archive, pickled, refs):
    import secrets
    import zipfile
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        start = zf.start_dir
        records = [("data.pkl", pickled), (".format_version", b"1"),
                   (".storage_alignment", str(_ALIGNMENT).encode()), ("byteorder", b"little")]
        records += [(f"data/{ref.key}", ref.array.view(np.uint8)) for ref in refs]
        records += [("version", b"3\n"),
                    (".data/serialization_id", str(secrets.randbits(128)).zfill(40).encode())]
        for name, data in records:
            _write_aligned(zf, start, f"{archive}/{name}", data)


def _write_aligned(zf, start, name, data):
    """One stored record whose data begins on a 64-byte boundary, padded as torch pads
    (an extra field with id 'FB')."""
    import struct
    import zipfile
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    size = data.nbytes if isinstance(data, np.ndarray) else len(data)
    zip64_extra = 20 if size * 1.05 > zipfile.ZIP64_LIMIT else 0
    header = 30 + len(name.encode()) + 4 + zip64_extra
    pad = -(zf.start_dir - start + header) % _ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    zf.writestr(info, memoryview(data) if isinstance(data, np.ndarray) else data)


# ==================================================================== loading
class _StorageType:
    """What a storage class name (torch.FloatStorage ...) resolves to on load."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


class _Storage:
    """A loaded storage: a flat numpy array."""

    __slots__ = ("array",)

    def __init__(self, array):
        self.array = array


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None):
    t = _wrap(_strided_view(storage.array, storage_offset, tuple(size), tuple(stride)))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride)


def _strided_view(flat, offset, size, stride):
    """flat[offset:] seen with size and stride, after checking that every element lies
    inside the storage (a crafted file must not make us read past it)."""
    if len(size) != len(stride) or any(int(n) < 0 for n in size) \
            or any(int(s) < 0 for s in stride) or int(offset) < 0:
        raise RuntimeError(f"invalid tensor layout in checkpoint: size {list(size)}, "
                           f"stride {list(stride)}, offset {offset}")
    numel = int(np.prod(size, dtype=np.int64)) if size else 1
    if numel and offset + sum((n - 1) * s for n, s in zip(size, stride)) >= flat.size:
        raise RuntimeError(f"tensor of size {list(size)} and stride {list(stride)} at offset "
                           f"{offset} lies outside its storage of {flat.size} elements")
    if numel == 0:
        return np.empty(size, flat.dtype)
    if stride == _contiguous_strides(size):
        return flat[offset:offset + numel].reshape(size)
    item = flat.itemsize
    return np.lib.stride_tricks.as_strided(flat[offset:], size, [s * item for s in stride])


def _parameter_class():
    from .nn.parameter import Parameter
    return Parameter


def _rebuild_parameter(data, requires_grad, backward_hooks):
    return _parameter_class()(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    return _set_public_state(_rebuild_parameter(data, requires_grad, backward_hooks), state)


def _set_public_state(obj, state):
    if isinstance(state, tuple):
        state = {**(state[0] or {}), **(state[1] or {})}
    for key, value in (state or {}).items():
        if isinstance(key, str) and not key.startswith("_"):
            setattr(obj, key, value)
    return obj


def _rebuild_from_type_v2(func, new_type, args, state):
    if func not in (_rebuild_tensor_v2, _rebuild_parameter, _rebuild_parameter_with_state):
        raise pickle.UnpicklingError(f"_rebuild_from_type_v2 cannot call {func!r}")
    ret = func(*args)
    if new_type is not Tensor and new_type is _parameter_class() and not ret._is_param:
        ret = new_type(ret, ret.requires_grad)
    return _set_public_state(ret, state)


def _get_layout(name):
    if name != "torch.strided":
        raise pickle.UnpicklingError(f"taimatsu has no layout {name}")
    return strided


def _encode(obj, encoding="utf-8", errors="strict"):
    """_codecs.encode as protocol 2 uses it for bytes: latin-1 only."""
    if encoding not in ("latin1", "latin-1"):
        raise pickle.UnpicklingError(f"_codecs.encode with encoding {encoding!r} is not allowed")
    return codecs.encode(obj, encoding, errors)


def _allowed_globals():
    from .nn.parameter import Parameter
    allowed = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "builtins.set": set, "builtins.frozenset": frozenset, "builtins.bytearray": bytearray,
        "builtins.complex": complex, "builtins.slice": slice,
        "_codecs.encode": _encode,
        "torch.Size": Size, "torch.device": _device_cls, "torch.Tensor": Tensor,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.serialization._get_layout": _get_layout,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
    }
    for d in D.ALL:
        allowed[f"torch.{d._name}"] = d
    for name in list(_STORAGE_NP) + ["BFloat16Storage"]:
        allowed[f"torch.{name}"] = _StorageType(name)
    return allowed


_ALLOWED = None
_user_globals = {}


def _global_name(obj):
    if isinstance(obj, tuple):
        obj, name = obj
        return name
    return f"{obj.__module__}.{obj.__qualname__}"


def add_safe_globals(safe_globals):
    """Let load() resolve these (classes or functions, or (obj, "module.name") pairs)."""
    for obj in safe_globals:
        name = _global_name(obj)
        _user_globals[name] = obj[0] if isinstance(obj, tuple) else obj


def get_safe_globals():
    return list(_user_globals.values())


def clear_safe_globals():
    _user_globals.clear()


@contextlib.contextmanager
def safe_globals(globals_list):
    saved = dict(_user_globals)
    add_safe_globals(globals_list)
    try:
        yield
    finally:
        _user_globals.clear()
        _user_globals.update(saved)


_CUDA_MESSAGE = ("Attempting to deserialize object on a CUDA device but "
                 "torch.cuda.is_available() is False. If you are running on a CPU-only machine, "
                 "please use torch.load with map_location=torch.device('cpu') to map your "
                 "storages to the CPU.")


class _Unpickler(pickle.Unpickler):
    """Resolves globals from the allowlist only, and storages from the archive."""

    def __init__(self, file, read_record, restore, weights_only, **kwargs):
        super().__init__(file, **kwargs)
        self.read_record = read_record
        self.restore = restore
        self.weights_only = weights_only
        self.loaded = {}

    def find_class(self, module, name):
        global _ALLOWED
        # protocol 2 writes Python 2 names (__builtin__.long for int ...)
        module, name = _compat_pickle.NAME_MAPPING.get(
            (module, name), (_compat_pickle.IMPORT_MAPPING.get(module, module), name))
        full = f"{module}.{name}"
        if _ALLOWED is None:
            _ALLOWED = _allowed_globals()
        found = _ALLOWED.get(full, _user_globals.get(full))
        if found is None and not self.weights_only:
            found = _imported_module_class(module, name)
        if found is None:
            raise pickle.UnpicklingError(_refusal(full, self.weights_only))
        return found

    def persistent_load(self, pid):
        kind = pid[0].decode() if isinstance(pid[0], bytes) else pid[0]
        if kind != "storage":
            raise pickle.UnpicklingError("Unknown typename for persistent_load, expected "
                                         f"'storage' but got '{kind}'")
        storage_type, key, location, numel = pid[1:5]
        if not isinstance(storage_type, _StorageType):
            raise pickle.UnpicklingError(f"not a storage type: {storage_type!r}")
        if key not in self.loaded:
            flat = _storage_array(self.read_record(f"data/{key}"), storage_type, numel, key)
            self.loaded[key] = _Storage(self.restore(flat, str(location)))
        return self.loaded[key]


def _imported_module_class(module, name):
    """weights_only=False: nn.Module and Optimizer subclasses of modules already imported
    (looking them up imports nothing, so no code runs)."""
    mod = sys.modules.get(module)
    obj = getattr(mod, name, None) if mod is not None else None
    if not isinstance(obj, type):
        return None
    from .nn.modules.module import Module
    bases = [Module]
    with contextlib.suppress(ImportError):
        from .optim.optimizer import Optimizer
        bases.append(Optimizer)
    return obj if issubclass(obj, tuple(bases)) else None


def _refusal(full, weights_only):
    if not weights_only:
        why = ("taimatsu never runs code from a checkpoint, so weights_only=False admits only "
               "nn.Module and Optimizer classes of modules already imported.")
    else:
        why = ("taimatsu loads with weights_only=True semantics: only tensors, containers and "
               "the globals on its allowlist are accepted.")
    return (f"Weights only load failed. {why}\n\nWeightsUnpickler error: Unsupported global: "
            f"GLOBAL {full} was not an allowed global by default. Please use "
            f"`torch.serialization.add_safe_globals([{full}])` or the "
            f"`torch.serialization.safe_globals([{full}])` context manager to allowlist this "
            "global if you trust this class/function.")


def _storage_array(data, storage_type, numel, key):
    name = storage_type.name
    np_dtype = np.dtype(np.uint16) if name == "BFloat16Storage" else _STORAGE_NP[name]
    if len(data) != numel * np_dtype.itemsize:
        raise RuntimeError(f"storage data/{key} holds {len(data)} bytes; {numel} elements of "
                           f"{storage_type} need {numel * np_dtype.itemsize}")
    flat = np.frombuffer(bytearray(data), np_dtype)
    if sys.byteorder != "little":
        flat = flat.byteswap()
    if name == "BFloat16Storage":
        warnings.warn("taimatsu has no bfloat16 dtype: bfloat16 tensors are loaded as float32",
                      stacklevel=4)
        flat = (flat.astype(np.uint32) << 16).view(np.float32)
    return flat


def _restorer(map_location):
    """A function (flat array, location tag) -> flat array applying map_location."""
    def check(target):
        target = str(target)
        if target.startswith("cuda"):
            raise RuntimeError(_CUDA_MESSAGE)
        if not (target.startswith("cpu") or target == "meta"):
            raise RuntimeError(f"don't know how to restore data location of storage "
                               f"(tagged with {target})")

    def restore(flat, location):
        if map_location is None:
            check(location)
        elif isinstance(map_location, (str, _device_cls)):
            check(map_location)
        elif isinstance(map_location, dict):
            check(map_location.get(location, location))
        elif callable(map_location):
            result = map_location(_wrap(flat), location)
            if result is None:
                check(location)
            else:
                flat = result._data.reshape(-1) if isinstance(result, Tensor) else flat
        else:
            raise ValueError(f"map_location should be either a str, torch.device, dict or a "
                             f"callable, but got {type(map_location).__name__}")
        return flat
    return restore


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved by torch.save (PyTorch's or taimatsu's) from a path or a
    readable binary file.  Everything lands on the CPU; see the module docstring for
    what weights_only means here."""
    weights_only = weights_only is not False
    pickle_load_args.setdefault("encoding", "utf-8")
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return _load_stream(fh, map_location, weights_only, pickle_load_args)
    return _load_stream(f, map_location, weights_only, pickle_load_args)


def _load_stream(fh, map_location, weights_only, pickle_load_args):
    start = fh.tell()
    magic = fh.read(4)
    fh.seek(start)
    if magic != b"PK\x03\x04":
        return _load_non_zip(fh, weights_only, pickle_load_args)
    import zipfile
    try:
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise RuntimeError("PytorchStreamReader failed reading zip archive: failed finding "
                           "central directory (the file is truncated or not a checkpoint)") \
            from None
    with zf:
        names = zf.namelist()
        prefix = names[0].split("/", 1)[0] if names and "/" in names[0] else ""

        def read_record(name):
            full = f"{prefix}/{name}"
            try:
                return zf.read(full)
            except KeyError:
                raise RuntimeError(f"PytorchStreamReader failed locating file {name}: file not "
                                   "found") from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
                raise RuntimeError(f"PytorchStreamReader failed reading file {name}: {e} "
                                   "(the file is corrupted)") from None

        pickled = read_record("data.pkl")
        unpickler = _Unpickler(io.BytesIO(pickled), read_record, _restorer(map_location),
                               weights_only, **pickle_load_args)
        return unpickler.load()


def _load_non_zip(fh, weights_only, pickle_load_args):
    """Not a zip archive: empty, garbage, a plain pickle, or torch's legacy format.
    The restricted unpickler reads the first object, so a pickle that would run code
    is refused with its global named; the legacy format itself is not supported."""
    def no_storage(pid):
        raise pickle.UnpicklingError("unexpected storage reference before the legacy header")
    unpickler = _Unpickler(fh, no_storage, _restorer(None), weights_only, **pickle_load_args)
    try:
        first = unpickler.load()
    except EOFError:
        raise EOFError("Ran out of input") from None
    if first == _LEGACY_MAGIC:
        raise RuntimeError("this checkpoint is in PyTorch's legacy (pre-1.6) format, which "
                           "taimatsu does not read; re-save it with a recent torch.save")
    raise RuntimeError("Invalid magic number; corrupt file?")
