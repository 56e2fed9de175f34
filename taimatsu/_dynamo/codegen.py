"""A trace's instructions as the source of a Python function over raw arrays.

Each slot of the trace is a local variable `v<n>`; numbers, strings and None are written
as literals, every other constant (functions, dtypes, slices, arrays) is a name bound in
the function's namespace.  Python's operators are written as operators (`v3 = v1 * v2`),
the cheapest call there is.  The source is kept on the function (`__source__`) so that
`taimatsu.compiler.show(fn)` can print what a step became.
"""
import math
import operator

from .tracing import Slot

_BINARY = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
           operator.floordiv: "//", operator.mod: "%", operator.pow: "**",
           operator.matmul: "@", operator.and_: "&", operator.or_: "|", operator.xor: "^",
           operator.lshift: "<<", operator.rshift: ">>", operator.eq: "==",
           operator.ne: "!=", operator.lt: "<", operator.le: "<=", operator.gt: ">",
           operator.ge: ">="}
_INPLACE = {operator.iadd: "+=", operator.isub: "-=", operator.imul: "*=",
            operator.itruediv: "/=", operator.ifloordiv: "//=", operator.imod: "%=",
            operator.ipow: "**=", operator.imatmul: "@=", operator.iand: "&=",
            operator.ior: "|=", operator.ixor: "^=", operator.ilshift: "<<=",
            operator.irshift: ">>="}
_UNARY = {operator.neg: "-", operator.pos: "+", operator.invert: "~"}


def _slots_in(v, out):
    tv = type(v)
    if tv is Slot:
        out.add(v.n)
    elif tv is tuple or tv is list:
        for x in v:
            _slots_in(x, out)
    elif tv is dict:
        for x in v.values():
            _slots_in(x, out)


def free_slots(instrs, defined):
    """The slots `instrs` read without making them (besides `defined`)."""
    made = set(defined)
    free = set()
    for ins in instrs:
        used = set()
        _slots_in(ins.args, used)
        _slots_in(ins.kwargs, used)
        free |= used - made
        if ins.outs is not None:
            made |= set(ins.outs) if type(ins.outs) is tuple else {ins.outs}
    return free


class _Writer:
    def __init__(self):
        self.names = {}
        self.namespace = {}

    def const(self, value, hint="k"):
        key = id(value)
        name = self.names.get(key)
        if name is None:
            name = f"{hint}{len(self.names)}"
            self.names[key] = name
            self.namespace[name] = value
        return name

    def expr(self, v):
        tv = type(v)
        if tv is Slot:
            return f"v{v.n}"
        if tv is int or tv is bool or v is None or tv is str:
            return repr(v)
        if tv is float:
            return repr(v) if math.isfinite(v) else self.const(v)
        if v is Ellipsis:
            return "..."
        if tv is tuple:
            inner = ", ".join(self.expr(x) for x in v)
            return f"({inner},)" if len(v) == 1 else f"({inner})"
        if tv is list:
            return "[" + ", ".join(self.expr(x) for x in v) + "]"
        if tv is dict and all(type(k) is str for k in v):
            return "{" + ", ".join(f"{k!r}: {self.expr(x)}" for k, x in v.items()) + "}"
        return self.const(v)

    def call_args(self, args, kwargs):
        parts = [self.expr(a) for a in args]
        parts += [f"{k}={self.expr(x)}" for k, x in kwargs.items()]
        return ", ".join(parts)


def _target(outs):
    if outs is None:
        return None
    if type(outs) is tuple:
        return ", ".join(f"v{n}" for n in outs) + ("," if len(outs) == 1 else "")
    return f"v{outs}"


def _writes_to(rec, instrs):
    """Constant slots something may write into (those get a fresh copy per call)."""
    written = set()
    for ins in instrs:
        first = ins.args[0] if ins.args else None
        if type(first) is Slot and ins.kind in ("setitem", "method", "getitem", "getattr"):
            written.add(first.n)
        if ins.kind == "call" and ins.fn in _INPLACE and type(first) is Slot:
            written.add(first.n)
        if ins.kind == "call":
            _slots_in(ins.kwargs.get("out"), written)
            if getattr(ins.fn, "__name__", "") in ("copyto", "at", "place", "putmask",
                                                     "put_along_axis", "fill_diagonal") \
                    and type(first) is Slot:
                written.add(first.n)
    return written


def _pure(ins):
    """Whether an instruction only makes its results (no write, no guard): then it can
    go when nothing reads them."""
    if ins.expect is not None or ins.outs is None:
        return False
    kind = ins.kind
    if kind in ("getitem", "getattr", "const"):
        return True
    if kind == "method":
        return ins.fn not in _INPLACE_METHODS
    if kind == "call":
        return ins.fn not in _INPLACE and "out" not in ins.kwargs and \
            getattr(ins.fn, "__name__", "") not in _WRITERS
    return False


_INPLACE_METHODS = {"fill", "sort", "put", "partition", "resize", "itemset", "setfield",
                    "byteswap"}
_WRITERS = {"copyto", "at", "place", "putmask", "put_along_axis", "fill_diagonal"}


def live(rec, instrs, needed):
    """`instrs` without the pure ones whose results nothing needs (the trace records what
    the eager code computed, including values computed twice or never used).  A write into
    a slot keeps everything that slot shares memory with (views) alive."""
    roots = {}
    for ins in instrs:  # each slot's memory owner: writes through a view keep its base
        if ins.outs is None:
            continue
        for n in (ins.outs if type(ins.outs) is tuple else (ins.outs,)):
            a = rec.values[n]._a
            base = getattr(a, "base", None)  # (a Python number has none)
            roots[n] = id(base if base is not None else a)
    needed = set(needed)
    live_roots = {roots[n] for n in needed if n in roots}
    kept = []
    for ins in reversed(instrs):
        outs = () if ins.outs is None else \
            (ins.outs if type(ins.outs) is tuple else (ins.outs,))
        if _pure(ins) and not any(n in needed or roots.get(n) in live_roots for n in outs):
            continue
        kept.append(ins)
        used = set()
        _slots_in(ins.args, used)
        _slots_in(ins.kwargs, used)
        needed |= used
        live_roots |= {roots[n] for n in used if n in roots}
        if not _pure(ins):
            first = ins.args[0] if ins.args else None
            if type(first) is Slot and first.n in roots:
                live_roots.add(roots[first.n])
    kept.reverse()
    return kept


def _ufunc_operators():
    import numpy
    return {numpy.add: "+", numpy.subtract: "-", numpy.multiply: "*",
            numpy.true_divide: "/"}


def _ufunc_unary():
    import numpy
    return {numpy.negative: "-"}


_UFUNC_BINARY = _UFUNC_UNARY = None
_SCALAR_BINARY = set(_BINARY) - {operator.pow, operator.matmul}


def _scalars(rec, instrs, inputs):
    """Slots that can live as numpy scalars rather than 0-d arrays: 0-d values that are
    only read by arithmetic (numpy's scalar arithmetic is the same IEEE operation, at a
    fraction of a ufunc call's cost).  A 0-d view qualifies only when nothing writes the
    memory it views (a scalar would not see the write)."""
    written_roots = set()
    for ins in instrs:
        if not _pure(ins) and ins.args and type(ins.args[0]) is Slot and ins.kind != "guard":
            a = rec.values[ins.args[0].n]._a
            base = getattr(a, "base", None)
            written_roots.add(id(base if base is not None else a))
    candidates = {n for n in inputs if getattr(rec.values[n]._a, "ndim", None) == 0}
    for ins in instrs:
        if ins.outs is None or type(ins.outs) is tuple or ins.expect is not None:
            continue
        a = rec.values[ins.outs]._a
        if getattr(a, "ndim", None) != 0:  # (Python numbers are numbers already)
            continue
        if ins.kind == "call" and ins.as_array:
            candidates.add(ins.outs)
        elif ins.kind == "getitem" and _int_key(ins.args[1], rec.values[ins.args[0].n]._a) \
                and id(a.base if a.base is not None else a) not in written_roots:
            candidates.add(ins.outs)
    ops = _UFUNC_BINARY
    for ins in instrs:
        arithmetic = ins.kind == "call" and not ins.kwargs and (
            ins.fn in ops or ins.fn in _SCALAR_BINARY or ins.fn in _UNARY
            or ins.fn in _UFUNC_UNARY)
        for pos, arg in enumerate(ins.args):
            used = set()
            _slots_in(arg, used)
            if not used & candidates:
                continue
            ok = (arithmetic and type(arg) is Slot) or (
                ins.kind == "setitem" and pos == 2 and type(arg) is Slot) or (
                ins.kind == "guard" and pos == 0)
            if not ok:
                candidates -= used
        used = set()
        _slots_in(ins.kwargs, used)
        candidates -= used
    return candidates


def _scratch(rec, instrs, kept):
    """`empty` arrays whose memory nothing outside the replay sees (no result, no saved
    value, no view of one): allocated once, with the replay, and reused by every call,
    as the optimizers' scratch buffers are in eager mode (their contents are garbage by
    contract, and fresh allocations of large arrays cost page faults)."""
    import numpy
    made = {}
    for ins in instrs:
        if ins.kind == "call" and ins.fn in (numpy.empty, numpy.empty_like) and \
                type(ins.outs) is int:
            made[ins.outs] = ins
    if not made:
        return set()
    def root(n):
        a = rec.values[n]._a
        base = getattr(a, "base", None)
        return id(base if base is not None else a)
    escaping = {root(n) for n in kept if hasattr(rec.values[n]._a, "shape")}
    return {n for n in made if root(n) not in escaping}


def _int_key(key, base):
    keys = key if type(key) is tuple else (key,)
    ints = [k for k in keys if k is not Ellipsis]
    return all(type(k) is int for k in ints) and len(ints) == base.ndim and \
        sum(1 for k in keys if k is Ellipsis) <= 1


def build(rec, instrs, input_slots, out_slots, saved_slots, diverged, name):
    """The replay of `instrs`: a function of the arrays of `input_slots` returning
    (the arrays of `out_slots`, the arrays of `saved_slots`)."""
    global _UFUNC_BINARY, _UFUNC_UNARY
    if _UFUNC_BINARY is None:
        _UFUNC_BINARY, _UFUNC_UNARY = _ufunc_operators(), _ufunc_unary()
    instrs = live(rec, instrs, set(out_slots) | set(saved_slots))
    scalars = _scalars(rec, instrs, input_slots)
    w = _Writer()
    w.namespace["_Diverged"] = diverged
    import numpy
    w.namespace["_asarray"] = numpy.asarray
    written = _writes_to(rec, instrs)
    hoisted = _scratch(rec, instrs, set(out_slots) | set(saved_slots))
    # 0-d inputs read only by arithmetic: their element (a numpy scalar), once
    lines = [f"v{n} = v{n}[()]" for n in input_slots if n in scalars]
    for ins in instrs:
        kind = ins.kind
        target = _target(ins.outs)
        if ins.outs in hoisted:
            lines.append(f"v{ins.outs} = {w.const(rec.values[ins.outs]._a.copy(), 'b')}")
            continue
        if kind == "const":
            value = rec.const_values[ins.args[0]]
            k = w.const(value, "c")
            lines.append(f"v{ins.outs} = {k}.copy()" if ins.outs in written
                         else f"v{ins.outs} = {k}")
            continue
        if kind == "guard":
            how = ins.fn
            subject = w.expr(ins.args[0])
            if how == "item":
                value = f"{subject}.item({w.call_args(ins.args[1:], {})})"
            elif how == "index":
                value = f"{subject}.__index__()"
            elif how == "len":
                value = f"len({subject})"
            else:
                value = f"{how}({subject})"
            lines.append(f"if {value} != {w.expr(ins.expect)}: raise _Diverged")
            continue
        if kind == "getitem":
            key = ins.args[1]
            if ins.outs in scalars:  # x[0, ...] as x[0]: the element, not a 0-d view
                key = tuple(k for k in (key if type(key) is tuple else (key,))
                            if k is not Ellipsis)
            value = f"{w.expr(ins.args[0])}[{_key(w, key)}]"
        elif kind == "setitem":
            lines.append(f"{w.expr(ins.args[0])}[{_key(w, ins.args[1])}] = "
                         f"{w.expr(ins.args[2])}")
            continue
        elif kind == "getattr":
            value = f"{w.expr(ins.args[0])}.{ins.fn}"
        elif kind == "method":
            value = f"{w.expr(ins.args[0])}.{ins.fn}({w.call_args(ins.args[1:], ins.kwargs)})"
        elif ins.fn in _INPLACE and not ins.kwargs:
            lines.append(f"{w.expr(ins.args[0])} {_INPLACE[ins.fn]} {w.expr(ins.args[1])}")
            if target is not None:
                lines.append(f"{target} = {w.expr(ins.args[0])}")
            continue
        elif ins.fn in _BINARY and len(ins.args) == 2 and not ins.kwargs:
            value = f"{w.expr(ins.args[0])} {_BINARY[ins.fn]} {w.expr(ins.args[1])}"
        elif ins.fn in _UFUNC_BINARY and len(ins.args) == 2 and not ins.kwargs and all(
                type(a) is not Slot or a.n in scalars for a in ins.args):
            value = f"{w.expr(ins.args[0])} {_UFUNC_BINARY[ins.fn]} {w.expr(ins.args[1])}"
        elif ins.fn in _UNARY and len(ins.args) == 1 and not ins.kwargs:
            value = f"{_UNARY[ins.fn]}{w.expr(ins.args[0])}"
        elif ins.fn in _UFUNC_UNARY and len(ins.args) == 1 and not ins.kwargs and \
                type(ins.args[0]) is Slot and ins.args[0].n in scalars:
            value = f"{_UFUNC_UNARY[ins.fn]}{w.expr(ins.args[0])}"
        else:
            value = f"{w.const(ins.fn, 'f')}({w.call_args(ins.args, ins.kwargs)})"
        if ins.as_array and ins.outs not in scalars:
            value = f"_asarray({value})"
        if ins.expect is not None:
            lines.append(f"if {value} != {w.expr(ins.expect)}: raise _Diverged")
        elif target is None:
            lines.append(value)
        else:
            lines.append(f"{target} = {value}")
    params = ", ".join(f"v{n}" for n in input_slots)
    outs = "".join(f"_asarray(v{n}), " if n in scalars else f"v{n}, " for n in out_slots)
    saved = "".join(f"v{n}, " for n in saved_slots)  # (a backward takes either)
    body = "\n".join("    " + line for line in lines) or "    pass"
    source = f"def {name}({params}):\n{body}\n    return ({outs}), ({saved})\n"
    code = compile(source, f"<taimatsu.compile {name}>", "exec")
    exec(code, w.namespace)
    fn = w.namespace[name]
    fn.__source__ = source
    return fn


def _key(w, key):
    if type(key) is tuple and key:
        return ", ".join(w.expr(k) for k in key) + ("," if len(key) == 1 else "")
    return w.expr(key)
