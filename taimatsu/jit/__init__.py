"""torch.jit: TorchScript is not part of taimatsu, but programs that decorate or script
their code for deployment must still run.  `script` and `trace` return what they are
given, which runs the same Python code eagerly; the decorators (`ignore`, `unused`,
`export`) change nothing; `save` and `load` refuse with a clear message, since there is
no TorchScript archive to write or read.  (`torch.compile` is the way to a faster step.)
"""
import builtins

__all__ = ["Final", "ScriptFunction", "ScriptModule", "annotate", "export", "fork",
           "ignore", "interface", "is_scripting", "is_tracing", "isinstance", "load", "save",
           "script", "script_if_tracing", "trace", "trace_module", "unused", "wait"]

_NO_ARCHIVES = ("taimatsu has no TorchScript: torch.jit.{} of a TorchScript archive is not "
                "supported (save the model's state_dict with torch.save instead)")


def is_scripting():
    return False


def is_tracing():
    return False


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """The module, function or class itself: it runs eagerly, as scripted code computes."""
    return obj


def trace(func, example_inputs=None, optimize=None, check_trace=True, check_inputs=None,
          check_tolerance=1e-5, strict=True, _force_outplace=False,
          _module_class=None, _compilation_unit=None, example_kwarg_inputs=None,
          _store_inputs=True):
    """The function or module itself (a trace would replay the same computation)."""
    return func


def trace_module(mod, inputs, *args, **kwargs):
    return mod


def script_if_tracing(fn):
    return fn


def ignore(drop=False, **kwargs):
    # usable bare (@torch.jit.ignore) or with arguments (@torch.jit.ignore(drop=True))
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def interface(obj):
    return obj


def annotate(the_type, the_value):
    return the_value


def isinstance(obj, target_type):
    return builtins.isinstance(obj, target_type)


class Future:
    """What `fork` returns: the value is computed at once; `wait` gives it."""

    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value


def fork(func, *args, **kwargs):
    return Future(func(*args, **kwargs))


def wait(future):
    return future.wait()


class _FinalMeta(type):
    def __getitem__(cls, item):
        return item


class Final(metaclass=_FinalMeta):
    """`torch.jit.Final[int]` in annotations: the type itself."""


def _module():
    from ..nn import Module
    return Module


def __getattr__(name):
    # ScriptModule and ScriptFunction: what scripted objects are here (modules, functions)
    if name == "ScriptModule":
        return _module()
    if name == "ScriptFunction":
        import types
        return types.FunctionType
    raise AttributeError(f"taimatsu does not implement torch.jit.{name}")


def save(m, f, _extra_files=None):
    raise RuntimeError(_NO_ARCHIVES.format("save"))


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    raise RuntimeError(_NO_ARCHIVES.format("load"))
