"""torch._dynamo: the names programs use around torch.compile (`reset`, `config`,
`explain`, `disable`, `exc.Unsupported`); the tracer and the replay are
`tracing.py`, `codegen.py` and `eval_frame.py`."""
import types as _types

from . import config
from .eval_frame import CompiledFunction, Unsupported, reset as _reset_all

exc = _types.SimpleNamespace(Unsupported=Unsupported)

__all__ = ["compile_all_modules", "config", "disable", "explain", "is_compiling", "reset"]


def reset():
    """Forget every trace: the next call of each compiled function traces again."""
    _reset_all()


def is_compiling():
    from . import tracing
    return tracing.RECORDER is not None


def disable(fn=None, recursive=True):
    """`fn` runs eagerly, also inside a compiled function (whose trace stops there)."""
    if fn is None:
        return lambda f: disable(f, recursive)

    def eager(*args, **kwargs):
        from . import tracing
        if tracing.RECORDER is not None:
            raise tracing.GraphBreak(f"{getattr(fn, '__name__', fn)} is marked "
                                     "torch.compiler.disable")
        return fn(*args, **kwargs)
    eager.__wrapped__ = fn
    eager.__name__ = getattr(fn, "__name__", "disabled")
    eager._torchdynamo_disable = True
    return eager


class ExplainOutput:
    """What `explain(fn)(*args)` reports: how many graphs and breaks, and why."""

    def __init__(self, graph_count, break_reasons):
        self.graph_count = graph_count
        self.graph_break_count = len(break_reasons)
        self.break_reasons = break_reasons

    def __str__(self):
        lines = [f"Graph Count: {self.graph_count}",
                 f"Graph Break Count: {self.graph_break_count}"]
        if self.break_reasons:
            lines.append("Break Reasons:")
            lines += [f"  Break Reason {i + 1}: {r}" for i, r in enumerate(self.break_reasons)]
        return "\n".join(lines)


def explain(fn, *extra_args, **extra_kwargs):
    """explain(fn)(*args): trace `fn` on `args` and report whether it replays."""
    def inner(*args, **kwargs):
        c = CompiledFunction(fn)
        c(*args, **kwargs)
        reasons = [e.reason for e in c.entries if e.eager]
        return ExplainOutput(sum(1 for e in c.entries if not e.eager), reasons)
    if extra_args or extra_kwargs:
        return inner(*extra_args, **extra_kwargs)
    return inner


def compile_all_modules():
    """Every nn.Module call from here on runs through torch.compile (the outermost call of
    each module: modules called inside are part of its trace).  For tests and for trying
    compile on a whole program: `python -c "import taimatsu._dynamo as d;
    d.compile_all_modules(); ..."`."""
    import weakref
    from ..nn.modules.module import Module
    from . import tracing
    original = Module.__call__
    if getattr(original, "_compiles", False):
        return
    compiled = weakref.WeakKeyDictionary()

    def __call__(self, *args, **kwargs):
        if tracing.RECORDER is not None:
            return original(self, *args, **kwargs)
        c = compiled.get(self)
        if c is None:
            c = compiled[self] = CompiledFunction(_types.MethodType(original, self))
        return c(*args, **kwargs)
    __call__._compiles = True
    Module.__call__ = __call__
