"""autograd.Function, gradcheck/gradgradcheck and autograd.functional against the oracle."""
import math
import warnings

import numpy as np
import pytest
from harness import assert_same, randn

import taimatsu as tm


def _both(oracle):
    return (tm, oracle)


# --- the PyTorch tutorial's LegendrePolynomial3, as written ------------------------------

def _legendre_tutorial(torch):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)

    dtype = torch.float
    device = torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)
    learning_rate = 5e-6
    for t in range(2000):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            c -= learning_rate * c.grad
            d -= learning_rate * d.grad
            a.grad = None
            b.grad = None
            c.grad = None
            d.grad = None
    return loss.item(), [v.item() for v in (a, b, c, d)], type(y_pred.grad_fn).__name__, \
        type(P3(c + d * x).grad_fn).__name__


def test_legendre_tutorial(oracle):
    ours, theirs = _legendre_tutorial(tm), _legendre_tutorial(oracle)
    assert ours[0] == pytest.approx(theirs[0], rel=1e-3)
    np.testing.assert_allclose(ours[1], theirs[1], atol=1e-4)
    assert ours[2:] == theirs[2:] == ("AddBackward0", "LegendrePolynomial3Backward")


# --- Function features -------------------------------------------------------------------

def _functions(torch):
    class MulConst(torch.autograd.Function):
        """A non-tensor argument, needs_input_grad, an attribute on ctx."""

        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            ctx.seen = ctx.needs_input_grad
            ctx.save_for_backward(x, y)
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            gx = g * y * ctx.k if ctx.needs_input_grad[0] else None
            gy = g * x * ctx.k if ctx.needs_input_grad[2] else None
            return gx, None, gy

    class ExpSaved(torch.autograd.Function):
        """Saves its output; backward in differentiable ops (double backward)."""

        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    class SplitMax(torch.autograd.Function):
        """Two outputs, one marked non-differentiable; materialized grads."""

        @staticmethod
        def forward(ctx, x):
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x)
            return x * 2, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g * 2

    class Square(torch.autograd.Function):
        """forward without ctx, plus setup_context."""

        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class NoMaterialize(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x.clone(), x.clone()

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 if g2 is None else g1 + g2

    return {"MulConst": MulConst, "ExpSaved": ExpSaved, "SplitMax": SplitMax,
            "Square": Square, "NoMaterialize": NoMaterialize}


def _run_features(torch):
    fns = _functions(torch)
    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.double, requires_grad=True)
    y = torch.tensor([1.5, 2.0, -0.5], dtype=torch.double)
    results = []
    out = fns["MulConst"].apply(x, 3.0, y)
    results += [out, out.grad_fn.seen, type(out.grad_fn).__name__]
    results += list(torch.autograd.grad(out.sum(), x))
    e = fns["ExpSaved"].apply(x)
    (g,) = torch.autograd.grad(e.sum(), x, create_graph=True)
    results += [g, torch.autograd.grad((g * g).sum(), x)[0]]
    doubled, idx = fns["SplitMax"].apply(x)
    results += [doubled, idx, idx.requires_grad, torch.autograd.grad(doubled.sum(), x)[0]]
    sq = fns["Square"].apply(x)
    results += [sq, torch.autograd.grad(sq.sum(), x)[0]]
    a, _ = fns["NoMaterialize"].apply(x)
    results += [torch.autograd.grad(a.sum(), x)[0]]
    return results


def test_function_features(oracle):
    ours, theirs = _run_features(tm), _run_features(oracle)
    assert_same(ours, theirs)


def test_mark_dirty(oracle):
    def run(torch):
        class Double_(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2

        leaf = torch.tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            Double_.apply(leaf)
        z = leaf.clone()
        r = Double_.apply(z)
        r.sum().backward()
        return str(info.value), r is z, type(z.grad_fn).__name__, leaf.grad

    ours, theirs = run(tm), run(oracle)
    assert ours[:3] == theirs[:3]
    assert_same(ours[3], theirs[3])


def test_returned_input_is_an_alias(oracle):
    for torch in _both(oracle):
        class Identity(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        x = torch.ones(2, requires_grad=True)
        r = Identity.apply(x)
        assert r is not x and type(r.grad_fn).__name__ == "IdentityBackward"
        r.sum().backward()
        assert x.grad.tolist() == [1.0, 1.0]


def _bad_functions(torch):
    class TooMany(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g, g, g

    class TooFew(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g

    class BadShape(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return torch.ones(5), None

    class Once(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @torch.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g, None

    return [TooMany, TooFew, BadShape, Once]


@pytest.mark.parametrize("which", range(3))
def test_backward_output_errors(oracle, which):
    messages = []
    for torch in _both(oracle):
        fn = _bad_functions(torch)[which]
        x = torch.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            fn.apply(x, torch.ones(3)).sum().backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_once_differentiable_and_freed_saved_tensors(oracle):
    for torch in _both(oracle):
        once = _bad_functions(torch)[3]
        x = torch.ones(3, requires_grad=True)
        out = once.apply(x, 1.0)
        seed = torch.ones(3, requires_grad=True)
        (g,) = torch.autograd.grad(out, x, seed, create_graph=True)
        with pytest.raises(RuntimeError, match="once_differentiable"):
            g.sum().backward()
        out = once.apply(x, 1.0)
        grad_fn = out.grad_fn
        assert len(grad_fn.saved_tensors) == 1
        out.sum().backward()
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            _ = grad_fn.saved_tensors


# --- gradcheck and gradgradcheck ---------------------------------------------------------

def _double(*shape, spd=False):
    a = randn(*shape)
    if spd:
        a = a @ a.T + shape[0] * np.eye(shape[0])
    return tm.tensor(a, requires_grad=True)


GRADCHECK_CASES = [
    (lambda a, b: a @ b, lambda: (_double(3, 4), _double(4, 2))),
    (lambda a, b: tm.einsum("bij,bjk->bik", a, b), lambda: (_double(2, 2, 3), _double(2, 3, 2))),
    (lambda a: tm.linalg.det(a), lambda: (_double(3, 3),)),
    (lambda a: tm.linalg.inv(a), lambda: (_double(3, 3, spd=True),)),
    (lambda a, b: tm.linalg.solve(a, b), lambda: (_double(3, 3, spd=True), _double(3, 2))),
    # cholesky reads one triangle: check it on symmetric inputs, as torch does
    (lambda a: tm.linalg.cholesky((a + a.mT) / 2), lambda: (_double(3, 3, spd=True),)),
    (lambda a, b: (a.exp() * b).sum(0), lambda: (_double(2, 3), _double(3))),
    (lambda a: tm.linalg.vector_norm(a, 3), lambda: (_double(4),)),
]


@pytest.mark.parametrize("fn,make", GRADCHECK_CASES)
def test_gradcheck_ops(fn, make):
    inputs = make()
    assert tm.autograd.gradcheck(fn, inputs)
    assert tm.autograd.gradgradcheck(fn, inputs)


def _wrong_square(torch):
    class WrongSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x * g
    return WrongSquare


def test_gradcheck_failure(oracle):
    messages = []
    for torch in _both(oracle):
        x = torch.tensor([1.0, 2.0], dtype=torch.double, requires_grad=True)
        wrong = _wrong_square(torch)
        with pytest.raises(RuntimeError) as info:
            torch.autograd.gradcheck(wrong.apply, (x,))
        assert type(info.value).__name__ == "GradcheckError"
        messages.append(str(info.value))
        assert torch.autograd.gradcheck(wrong.apply, (x,), raise_exception=False) is False
    assert messages[0] == messages[1]
    from taimatsu.autograd.gradcheck import GradcheckError
    assert issubclass(GradcheckError, RuntimeError)


def test_gradcheck_argument_errors(oracle):
    for torch in _both(oracle):
        with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
            torch.autograd.gradcheck(lambda a: a * 2, (torch.ones(2, dtype=torch.double),))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ok = torch.autograd.gradcheck(lambda a: a * 2, (torch.ones(2, requires_grad=True),),
                                          eps=1e-3, atol=1e-2)
        assert ok
        assert any("is not a double precision" in str(w.message) for w in caught)


# --- autograd.functional -----------------------------------------------------------------

def _arrays():
    return randn(3), randn(3)


FUNCTIONAL_CASES = [
    ("jacobian", lambda F, m, a, b: F.jacobian(lambda x: x.exp() * x.sum(), a)),
    ("jacobian tuple", lambda F, m, a, b: F.jacobian(lambda x, y: ((x * y).sum(), x.exp()),
                                                      (a, b))),
    ("jacobian unused", lambda F, m, a, b: F.jacobian(lambda x, y: x.sin(), (a, b))),
    ("hessian", lambda F, m, a, b: F.hessian(lambda x: (x ** 3).sum(), a)),
    ("hessian tuple", lambda F, m, a, b: F.hessian(lambda x, y: ((x * y).sum()) ** 2, (a, b))),
    ("vjp", lambda F, m, a, b: F.vjp(lambda x: x.exp(), a, b)),
    ("vjp tuple", lambda F, m, a, b: F.vjp(lambda x, y: x * y.sin(), (a, b), a)),
    ("jvp", lambda F, m, a, b: F.jvp(lambda x: x.exp() * x.sum(), a, b)),
    ("hvp", lambda F, m, a, b: F.hvp(lambda x: (x.exp() * x).sum(), a, b)),
    ("vhp", lambda F, m, a, b: F.vhp(lambda x, y: (x.exp() * y).sum(), (a, b), (b, a))),
    ("jacobian matmul", lambda F, m, a, b: F.jacobian(lambda x: m.outer(x, x) @ x, a)),
]


@pytest.mark.parametrize("name,fn", FUNCTIONAL_CASES, ids=[c[0] for c in FUNCTIONAL_CASES])
def test_functional(oracle, name, fn):
    arrays = _arrays()
    results = [fn(m.autograd.functional, m, *[m.tensor(x) for x in arrays])
               for m in _both(oracle)]
    assert_same(results[0], results[1])


def test_functional_create_graph(oracle):
    results = []
    for torch in _both(oracle):
        x = torch.tensor([0.5, 1.5], dtype=torch.double, requires_grad=True)
        jac = torch.autograd.functional.jacobian(lambda v: v ** 3, x, create_graph=True)
        results += [jac.requires_grad, torch.autograd.grad(jac.sum(), x)[0]]
        _, v = torch.autograd.functional.vjp(lambda v: v.exp(), x, torch.ones(2).double())
        results.append(v.requires_grad)
    assert_same(results[:3], results[3:])


@pytest.mark.parametrize("call", [
    lambda F, m, a: F.vjp(lambda x: x.exp(), a),
    lambda F, m, a: F.jvp(lambda x: x.exp(), a),
    lambda F, m, a: F.jacobian(lambda x, y: x.exp(), (a, a.clone()), strict=True),
    lambda F, m, a: F.jacobian(lambda x: m.ones(3), a, strict=True),
    lambda F, m, a: F.hessian(lambda x: x.exp(), a),
    lambda F, m, a: F.jacobian(lambda x: 3, a),
])
def test_functional_errors(oracle, call):
    errors = []
    for m in _both(oracle):
        with pytest.raises(Exception) as info:
            call(m.autograd.functional, m, m.tensor(randn(3)))
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1])
    assert str(errors[0]) == str(errors[1])
