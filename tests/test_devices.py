"""Ops given tensors on two devices raise torch's error, whichever comes first (the
checked device stands in for a second device: CUDA's rules are the same)."""
import numpy as np
import pytest

import taimatsu as tm
import taimatsu.nn.functional as F

MESSAGE = "Expected all tensors to be on the same device, but found at least two devices"


def _pair(shape_a, shape_b):
    return np.ones(shape_a), np.ones(shape_b)


# name -> (the call, shapes of its two tensor operands)
CALLS = {
    "add": (lambda a, b: a + b, (2, 2), (2, 2)),
    "mul scalar-shaped": (lambda a, b: a * b, (2, 2), ()),
    "sub": (lambda a, b: tm.sub(a, b, alpha=2), (2,), (2,)),
    "div": (lambda a, b: a / b, (2,), (2,)),
    "pow": (lambda a, b: a ** b, (2,), (2,)),
    "atan2": (lambda a, b: tm.atan2(a, b), (2,), (2,)),
    "maximum": (lambda a, b: tm.maximum(a, b), (2,), (2,)),
    "xlogy": (lambda a, b: tm.xlogy(a, b), (2,), (2,)),
    "hypot": (lambda a, b: tm.hypot(a, b), (2,), (2,)),
    "fmod": (lambda a, b: tm.fmod(a, b), (2,), (2,)),
    "remainder": (lambda a, b: tm.remainder(a, b), (2,), (2,)),
    "eq": (lambda a, b: a == b, (2,), (2,)),
    "lt": (lambda a, b: a < b, (2,), (2,)),
    "where": (lambda a, b: tm.where(a > 0, a, b), (2,), (2,)),
    "lerp": (lambda a, b: tm.lerp(a, b, 0.5), (2,), (2,)),
    "addcmul": (lambda a, b: tm.addcmul(a, b, b), (2,), (2,)),
    "clamp": (lambda a, b: tm.clamp(a, min=b), (2,), (2,)),
    "copysign": (lambda a, b: tm.copysign(a, b), (2,), (2,)),
    "logaddexp": (lambda a, b: tm.logaddexp(a, b), (2,), (2,)),
    "isclose": (lambda a, b: tm.isclose(a, b), (2,), (2,)),
    "complex": (lambda a, b: tm.complex(a, b), (2,), (2,)),
    "mm": (lambda a, b: a.mm(b), (2, 2), (2, 1)),
    "matmul 2x1": (lambda a, b: a @ b, (2, 2), (2,)),
    "matmul batched": (lambda a, b: a @ b, (3, 2, 2), (2, 1)),
    "dot": (lambda a, b: tm.dot(a, b), (2,), (2,)),
    "mv": (lambda a, b: tm.mv(a, b), (2, 2), (2,)),
    "bmm": (lambda a, b: tm.bmm(a, b), (1, 2, 2), (1, 2, 2)),
    "outer": (lambda a, b: tm.outer(a, b), (2,), (3,)),
    "addmm": (lambda a, b: tm.addmm(a, b, b), (2, 2), (2, 2)),
    "kron": (lambda a, b: tm.kron(a, b), (2,), (2,)),
    "tensordot": (lambda a, b: tm.tensordot(a, b, 1), (2, 2), (2,)),
    "einsum": (lambda a, b: tm.einsum("ij,j->i", a, b), (2, 2), (2,)),
    "cross": (lambda a, b: tm.linalg.cross(a, b), (3,), (3,)),
    "cdist": (lambda a, b: tm.cdist(a, b), (2, 3), (4, 3)),
    "cat": (lambda a, b: tm.cat([a, b]), (2,), (2,)),
    "stack": (lambda a, b: tm.stack([a, b]), (2,), (2,)),
    "linear": (lambda a, b: F.linear(a, b), (3, 2), (4, 2)),
    "conv1d": (lambda a, b: F.conv1d(a, b), (1, 1, 5), (1, 1, 2)),
    "mse_loss": (lambda a, b: F.mse_loss(a, b), (2,), (2,)),
    "binary_cross_entropy": (lambda a, b: F.binary_cross_entropy(a * 0.5, b * 0.5), (2,), (2,)),
    "dist": (lambda a, b: tm.dist(a, b), (2,), (2,)),
    "masked_fill": (lambda a, b: a.masked_fill(b > 0, 1.0), (2,), (2,)),
    "copy_": (lambda a, b: a.clone().copy_(b), (2,), (2,)),
}


@pytest.mark.parametrize("order", ["cpu first", "checked first"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_mixed_devices_raise_torchs_error(name, order):
    call, shape_a, shape_b = CALLS[name]
    devices = ("cpu", "checked") if order == "cpu first" else ("checked", "cpu")
    a = tm.tensor(np.ones(shape_a) * 0.5, device=devices[0])
    b = tm.tensor(np.ones(shape_b) * 0.5, device=devices[1])
    if name == "copy_":
        assert call(a, b).device == a.device  # copy_ moves between devices, as torch's
        return
    with pytest.raises(RuntimeError, match=MESSAGE):
        call(a, b)
