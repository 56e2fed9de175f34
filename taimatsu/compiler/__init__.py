"""torch.compiler: `reset`, `disable`, `is_compiling`; and `show`, taimatsu's own: the
replay a compiled function became, as Python source."""
from .._dynamo import disable, is_compiling, reset

__all__ = ["disable", "is_compiling", "is_dynamo_compiling", "reset", "show"]


def is_dynamo_compiling():
    return is_compiling()


def show(compiled):
    """The source of the replays of a compiled function (or module), one per trace;
    a trace that runs eagerly says why."""
    from .._dynamo.eval_frame import CompiledFunction
    fn = getattr(compiled, "_compiled_forward", compiled)
    if not isinstance(fn, CompiledFunction):
        raise TypeError("show() takes what torch.compile returned")
    parts = []
    for e in fn.entries:
        if e.eager:
            parts.append(f"# runs eagerly: {e.reason}")
            continue
        parts.append(e.forward.__source__)
        if e.has_backward:
            parts.append(e.backward.__source__)
    return "\n".join(parts)
