"""The backward engine: iterative.

1. Find the nodes reachable from the roots.
2. Run them in torch's order: the common path (`_run_plain`) from the greatest sequence
   number down; the general path (hooks, `autograd.grad`, `create_graph`) when their
   dependency counts drop to zero.  Each node hands one gradient per input along its
   edges.  Gradients are reduced to the input's shape (undoing broadcasting) and cast to
   its dtype here, once, so op authors never do it.
3. Free each node's saved values after it ran, unless `retain_graph`.

Backward formulas are tensor ops; they are recorded only with `create_graph`.
"""
import itertools as _itertools
import operator as _operator

from .._backend import Tracing as _Tracing, cpu as _cpu
from .grad_mode import GradMode
from .graph import ANOMALY, AccumulateGrad, accumulator_of


def refresh_view(t):
    # the engine is imported before the op modules; look the function up at first use
    from .._ops._core import refresh_view as refresh
    refresh(t)

__all__ = ["run_backward"]

_add_reduce = _cpu.xp.add.reduce
_ndarray = _cpu.array_type
_NO_META = _itertools.repeat(None)


def _wrap(array):
    # _tensor.py imports this module: bind its _wrap at first use
    global _wrap
    from .._tensor import _wrap
    return _wrap(array)


def _root_edge(t, index):
    if t._view_version is not None:
        refresh_view(t)
    if t._grad_fn is not None:
        return (t._grad_fn, t._output_nr)
    if t._requires_grad:
        return (accumulator_of(t), 0)
    raise RuntimeError(f"element {index} of tensors does not require grad and does not have "
                       "a grad_fn")


def _fit(grad, meta):
    """Reduce a gradient to the shape of the input it flows to, and cast it to the
    input's dtype: the single place where broadcasting is undone."""
    shape, np_dtype = meta
    a = grad._data
    if a.shape != shape:
        if GradMode.enabled or a.dtype.kind not in "fc" or a.ndim < len(shape):
            grad = grad.sum_to_size(shape)
        else:
            # no graph of the gradient is being built: one numpy reduction (the checks
            # and argument handling of sum_to_size cost as much as the sum of a batch)
            have = a.shape
            lead = len(have) - len(shape)
            dims = [*range(lead)]
            for i, n in enumerate(shape):
                if n == 1 and have[lead + i] != 1:
                    dims.append(lead + i)
            add_reduce = _add_reduce if type(a) is _ndarray else grad._xp.add.reduce
            r = add_reduce(a, axis=tuple(dims), keepdims=True)
            grad = _wrap(r.reshape(shape) if lead else r)
    if grad._data.dtype != np_dtype:
        grad = grad._to_numpy_dtype(np_dtype)
    return grad


def _needed_nodes(roots, targets):
    """Nodes from which some target node can be reached (autograd.grad runs no others)."""
    needed = {}
    stack = [(n, False) for n in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            needed[node] = node in targets or any(
                e is not None and needed.get(e[0], False) for e in node._next)
            continue
        if node in needed:
            continue
        needed[node] = False
        stack.append((node, True))
        for e in node._next:
            if e is not None and e[0] not in needed:
                stack.append((e[0], False))
    return {n for n, v in needed.items() if v}


def run_backward(tensors, grad_tensors, retain_graph=False, create_graph=False, inputs=None,
                 capture=False, allow_unused=False):
    """Propagate `grad_tensors` back from `tensors`.

    Without `inputs`, gradients accumulate into every leaf's `.grad`.  With `inputs`
    and `capture`, nothing accumulates and the gradients w.r.t. `inputs` are returned
    (autograd.grad); with `inputs` and not `capture`, only those leaves accumulate.
    """
    if _Tracing.active:
        _Tracing.backward_runs += 1  # (a traced function that runs backward itself)
    if inputs is None and not create_graph and len(tensors) == 1:
        root, nr = _root_edge(tensors[0], 0)
        if _run_plain(root, nr, grad_tensors[0], retain_graph):
            return None
    root_edges = [_root_edge(t, i) for i, t in enumerate(tensors)]

    # what to capture: (node, output_nr) -> position in `inputs`
    targets = None
    results = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            if t._grad_fn is not None:
                key = (t._grad_fn, t._output_nr)
            else:
                if not t._requires_grad:
                    raise RuntimeError("One of the differentiated Tensors does not require grad")
                key = (accumulator_of(t), 0)
            targets.setdefault(key, []).append(i)
        results = [None] * len(inputs)

    # 1. dependency counts
    deps = {}
    stack = []
    for node, _ in root_edges:
        if node not in deps:
            deps[node] = 0
            stack.append(node)
    while stack:
        node = stack.pop()
        for edge in node._next:
            if edge is not None:
                child = edge[0]
                count = deps.get(child)
                if count is None:
                    deps[child] = 1
                    stack.append(child)
                else:
                    deps[child] = count + 1
    needed = None
    if targets is not None:
        needed = _needed_nodes([n for n, _ in root_edges], {k[0] for k in targets})

    # 2. seed the roots' buffers
    buffers = {}
    for (node, nr), g in zip(root_edges, grad_tensors):
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._n_outputs
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    # roots that are also reached from other roots wait for their count to drop
    ready = [n for n in buffers if deps[n] == 0]

    prev_mode = GradMode.enabled
    GradMode.enabled = create_graph
    try:
        while ready:
            node = ready.pop()
            buf = buffers.pop(node, None)
            _execute(node, buf, buffers, deps, ready, retain_graph, create_graph,
                     targets, results, capture, needed)
    finally:
        GradMode.enabled = prev_mode

    if results is not None and capture:
        for i, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
    return results


_seq_of = _operator.attrgetter("_seq")


def _run_plain(root, root_nr, grad, retain_graph):
    """The common case, kept lean: one root, gradients into leaves, no graph of the
    gradients, no node hooks (returns False, having done nothing, when a node has hooks:
    the general path runs them).

    Nodes run from the greatest sequence number down, as torch's engine runs them: a
    node's number is greater than those of the nodes it sends gradients to, so this is
    an order in which every node has all its gradients, and the gradients a tensor gets
    from several ops are summed in torch's order.  A single-output node's buffer is its
    gradient itself, not a one-element list.  A node made without a number (there should
    be none) sends the graph to the general path too, which counts dependencies."""
    seen = {root}
    stack = [root]
    pop, push, add = stack.pop, stack.append, seen.add
    hooked = root._hooked or bool(ANOMALY)  # (anomaly mode: the general path checks)
    numbered = root._seq != 0
    while stack:
        for edge in pop()._next:
            if edge is not None:
                child = edge[0]
                if child not in seen:
                    add(child)
                    push(child)
                    if child._hooked:
                        hooked = True
                    if child._seq == 0:
                        numbered = False
    if hooked or not numbered:
        return False
    if root._n_outputs == 1:
        buffers = {root: grad}
    else:
        buf = [None] * root._n_outputs
        buf[root_nr] = grad
        buffers = {root: buf}
    prev_mode = GradMode.enabled
    GradMode.enabled = False
    try:
        for node in sorted(seen, key=_seq_of, reverse=True):
            g = buffers.pop(node, None)
            if node.__class__ is AccumulateGrad:
                if g is not None:
                    node.accumulate(g, False)
                continue
            if g is None:
                grads = None
            elif node._n_outputs == 1:
                grads = node.backward(g)
            else:
                grads = node.backward(g) if any(x is not None for x in g) else None
            if not retain_graph and node._saved is not None:
                node._release()
            if grads is None:
                continue
            metas = node._in_meta
            for edge, g, meta in zip(node._next, grads,
                                     metas if metas is not None else _NO_META):
                if edge is None or g is None:
                    continue
                if meta is not None:
                    a = g._data
                    if a.shape != meta[0] or a.dtype is not meta[1]:
                        g = _fit(g, meta)
                child = edge[0]
                if child._n_outputs == 1:
                    old = buffers.get(child)
                    buffers[child] = g if old is None else old + g
                else:
                    _add_to_slot(buffers, child, edge[1], g)
    finally:
        GradMode.enabled = prev_mode
    return True


def _add_to_slot(buffers, node, nr, g):
    """Add g to output `nr`'s gradient in a multi-output node's buffer (a list)."""
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._n_outputs
    buf[nr] = g if buf[nr] is None else buf[nr] + g


def _execute(node, buf, buffers, deps, ready, retain_graph, create_graph, targets, results,
             capture, needed):
    skip = needed is not None and node not in needed
    if buf is not None and not skip:
        hooks = node._tensor_pre_hooks
        if hooks:
            for nr, fns in hooks.items():
                g = buf[nr]
                if g is None:
                    continue
                for fn in list(fns):
                    new = fn(g)
                    if new is not None:
                        g = new
                buf[nr] = g
        if node._pre_hooks:
            for fn in list(node._pre_hooks):
                new = fn(tuple(buf))
                if new is not None:
                    buf = list(new)
        if targets is not None:
            for nr in range(len(buf)):
                slots = targets.get((node, nr))
                if slots is not None:
                    g = buf[nr]
                    if g is not None and type(node) is AccumulateGrad and capture:
                        g = _leaf_hooks(node.variable, g)
                    for i in slots:
                        results[i] = g
        if type(node) is AccumulateGrad:
            if not capture and (targets is None or (node, 0) in targets) and buf[0] is not None:
                node.accumulate(buf[0], create_graph)
            return
        if all(g is None for g in buf):
            grads_in = (None,) * len(node._next)
        else:
            if ANOMALY:
                grads_in = _anomalous(node, buf)
            elif node._n_outputs == 1:
                grads_in = node.backward(buf[0])
            else:
                grads_in = node.backward(buf)
            if node._post_hooks:
                for fn in list(node._post_hooks):
                    new = fn(tuple(grads_in), tuple(buf))
                    if new is not None:
                        grads_in = new
            if not retain_graph:
                node._release()
    else:
        grads_in = (None,) * len(node._next)

    metas = node._in_meta or (None,) * len(node._next)
    for edge, g, meta in zip(node._next, grads_in, metas):
        if edge is None:
            continue
        child, nr = edge
        if g is not None:
            if meta is not None:
                g = _fit(g, meta)
            cbuf = buffers.get(child)
            if cbuf is None:
                cbuf = buffers[child] = [None] * child._n_outputs
                cbuf[nr] = g
            elif cbuf[nr] is None:
                cbuf[nr] = g
            else:
                cbuf[nr] = cbuf[nr] + g
        count = deps[child] - 1
        deps[child] = count
        if count == 0:
            ready.append(child)
            if child not in buffers:
                buffers[child] = [None] * child._n_outputs


def _anomalous(node, buf):
    """A node's backward in anomaly mode: a failure, or a nan among its gradients with
    check_nan, is reported with the traceback of the forward call that made the node."""
    try:
        grads = node.backward(buf[0] if node._n_outputs == 1 else buf)
        if ANOMALY[0]:
            for i, g in enumerate(grads):
                if g is not None and g._data.dtype.kind in "fc" and \
                        bool(g._xp.isnan(g._data).any()):
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its "
                                       f"{i}th output.")
    except Exception:
        import warnings
        trace = getattr(node, "_forward_trace", None)
        if trace is not None:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          f"caused the error:\n{trace}", stacklevel=2)
        raise
    return grads


def _leaf_hooks(var, grad):
    for hook in list(var._backward_hooks or ()):
        new = hook(grad)
        if new is not None:
            grad = new
    return grad
