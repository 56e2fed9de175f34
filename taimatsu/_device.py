"""torch.device, layouts and memory formats."""

__all__ = ["device", "strided", "contiguous_format", "preserve_format", "channels_last"]

_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve",
          "fpga", "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia",
          "privateuseone")
# devices served by test-only backends: accepted, never listed in messages
_HIDDEN_TYPES = ("checked",)


class device:
    """A device type and an optional index, as torch.device."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        name, _, idx = str(type).partition(":")
        if name not in _TYPES and name not in _HIDDEN_TYPES:
            raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of "
                               f"device string: {type}")
        if idx:
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        self.type = name
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


CPU = device("cpu")


class _Named:
    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name


class layout(_Named):
    pass


class memory_format(_Named):
    pass


strided = layout("strided")
sparse_coo = layout("sparse_coo")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")


def resolve(dev):
    """The backend of a `device=` argument (None means the default device)."""
    from ._backend import _BY_DEVICE, for_device
    # (the cpu's backend looked up, not bound: a torch.compile trace puts its own there)
    if dev is None:
        return _BY_DEVICE["cpu"] if _default is None else _default
    if isinstance(dev, device):
        return for_device(dev.type)
    if isinstance(dev, str) and dev == "cpu":
        return _BY_DEVICE["cpu"]
    return for_device(device(dev).type)


_default = None  # the backend of set_default_device, None for the cpu


def set_default_device(dev):
    """torch.set_default_device: where factory functions put tensors by default."""
    global _default
    from ._backend import cpu
    backend = None if dev is None else resolve(dev)
    _default = None if backend is cpu else backend


def get_default_device():
    from ._backend import cpu
    return (cpu if _default is None else _default).device
