"""Tensor printing, compared character for character with torch's.

Most cases are expressions run twice, once with `torch` bound to torch and once
to taimatsu, so that a case reads like the PyTorch program it stands for.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import taimatsu as tm

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _restore_print_state():
    """Every test starts from torch's defaults and leaves them as it found them."""
    torch.set_printoptions(profile="default")
    tm.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    tm.set_default_dtype(tm.float32)
    yield
    torch.set_printoptions(profile="default")
    tm.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    tm.set_default_dtype(tm.float32)


def run_both(expr):
    return eval(expr, {"torch": torch, "math": math}), eval(expr, {"torch": tm, "math": math})


def assert_same_repr(expr):
    expected, actual = run_both(expr)
    assert repr(actual) == repr(expected), expr
    assert str(actual) == str(expected), expr


def tm_dtype(torch_dtype):
    return getattr(tm, str(torch_dtype).removeprefix("torch."))


def to_taimatsu(t):
    """The same values, shape and dtype as torch tensor `t`, built with taimatsu."""
    dtype = tm_dtype(t.dtype)
    if t.dim() == 0:
        return tm.tensor(t.item(), dtype=dtype)
    # a flat list keeps the values exact (float32 -> python float is exact) and
    # reshaping keeps shapes with zero-length axes, which nested lists would lose
    return tm.tensor(t.reshape(-1).tolist(), dtype=dtype).reshape(tuple(t.shape))


def assert_same_values_repr(t):
    assert repr(to_taimatsu(t)) == repr(t)


NAN_INF = "[math.nan, math.inf, -math.inf, -0.0, 1.5]"

CASES = [
    # scalars
    "torch.tensor(3.5)",
    "torch.tensor(3.)",
    "torch.tensor(-0.)",
    "torch.tensor(1e-9)",
    "torch.tensor(math.nan)",
    "torch.tensor(7)",
    "torch.tensor(True)",
    "torch.tensor(1 + 2j)",
    "torch.tensor(3.5, dtype=torch.float64)",
    "torch.tensor(3, dtype=torch.uint8)",
    # vectors
    "torch.tensor([1., 2.])",
    "torch.tensor([1.5, -2.25, 3.])",
    "torch.tensor([0.1, 0.2, 0.3])",
    "torch.tensor([1, 2, 3])",
    "torch.tensor([-100, 2, 3], dtype=torch.int8)",
    "torch.tensor([1, 2, 3], dtype=torch.int16)",
    "torch.tensor([1, 2, 3], dtype=torch.int32)",
    "torch.tensor([1, 2, 255], dtype=torch.uint8)",
    "torch.tensor([True, False, True])",
    "torch.tensor([True, True])",
    "torch.tensor([1., 2.], dtype=torch.float64)",
    "torch.tensor([1.5, 2.], dtype=torch.float16)",
    "torch.tensor([65504., -0.001], dtype=torch.float16)",
    "torch.tensor([0.])",
    "torch.tensor([-0.])",
    "torch.tensor([-0., 1.])",
    f"torch.tensor({NAN_INF})",
    f"torch.tensor({NAN_INF}, dtype=torch.float64)",
    "torch.tensor([math.nan, math.nan])",
    "torch.tensor([math.inf, 2.])",
    "torch.tensor([math.nan, 0.5])",
    # scientific notation is chosen by the ratio and the extremes
    "torch.tensor([1e-8, 1.])",
    "torch.tensor([1e-5, 2e-5])",
    "torch.tensor([1., 1001.])",
    "torch.tensor([1., 999.])",
    "torch.tensor([1e8, 2e8])",
    "torch.tensor([1e9, 2e9])",
    "torch.tensor([1e10, 1.5])",
    "torch.tensor([1e-300, 1e300], dtype=torch.float64)",
    "torch.tensor([5e-324, 1.], dtype=torch.float64)",
    "torch.tensor([123456789., 0.5])",
    # complex
    "torch.tensor([1 + 2j, -3 - 4.5j])",
    "torch.tensor([1 - 0j, 2 + 0j])",
    "torch.tensor([complex(0.0, -0.0), 1j])",
    "torch.tensor([1e-8 + 1j, 1e5 - 2j])",
    "torch.tensor([1 + 2j], dtype=torch.complex128)",
    "torch.tensor([complex(math.nan, math.inf), 1j])",
    # matrices and higher dims
    "torch.tensor([[1., 2.], [3., 4.]])",
    "torch.tensor([[1, -2], [3, 40]])",
    "torch.arange(24).reshape(2, 3, 4)",
    "torch.arange(24.).reshape(2, 3, 4) / 7",
    "torch.arange(120.).reshape(2, 3, 4, 5) - 60",
    "torch.arange(720).reshape(1, 2, 3, 4, 5, 6)",
    "torch.ones(1, 1, 1)",
    "torch.zeros(2, 3, dtype=torch.bool)",
    "torch.ones(2, 2, dtype=torch.complex64)",
    # empty
    "torch.tensor([])",
    "torch.tensor([], dtype=torch.int64)",
    "torch.tensor([], dtype=torch.float64)",
    "torch.tensor([], dtype=torch.bool)",
    "torch.zeros(0, 3)",
    "torch.zeros(0, 3, dtype=torch.int32)",
    "torch.zeros(2, 0, 3)",
    "torch.zeros(0)",
    # summarised (more than 1000 elements)
    "torch.arange(2000)",
    "torch.arange(1001.)",
    "torch.arange(1000.)",
    "torch.arange(3000.).reshape(30, 100) / 7",
    "torch.arange(3000).reshape(100, 30)",
    "torch.arange(5000.).reshape(10, 10, 50) - 2500",
    "torch.arange(2000, dtype=torch.float64) * 1e6",
    "torch.ones(2000, dtype=torch.bool)",
    "torch.ones(1, 2000)",
    "torch.ones(2000, 1)",
    # line wrapping at 80 columns, with the indent of "tensor("
    "torch.arange(100.) / 3",
    "torch.arange(100)",
    "torch.arange(100, dtype=torch.int32)",
    "torch.arange(60.).reshape(3, 20) / 3",
    "torch.arange(40, dtype=torch.float64) / 3",
    "torch.arange(40.).reshape(2, 20).to(torch.complex64) / 3",
    "torch.arange(19, dtype=torch.int32)",
    "torch.arange(20, dtype=torch.int32)",
    "torch.arange(21, dtype=torch.int32)",
    "torch.arange(12, dtype=torch.int8)",
    # non-contiguous views
    "torch.arange(12.).reshape(3, 4).t()",
    "torch.arange(20)[::3]",
    "torch.arange(24.).reshape(2, 3, 4).transpose(0, 2)",
    "torch.arange(24.).reshape(2, 3, 4)[:, 1]",
    # autograd suffixes
    "torch.tensor([1., 2.], requires_grad=True)",
    "torch.tensor(2., requires_grad=True)",
    "torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    "torch.tensor([1., 2.], requires_grad=True) * 2",
    "torch.tensor([1., 2.], requires_grad=True) + 1",
    "torch.tensor([1., 2.], requires_grad=True).sum()",
    "torch.arange(100.).requires_grad_() * 3",
    "torch.tensor([1., 2.], requires_grad=True).detach()",
]


@pytest.mark.parametrize("expr", CASES)
def test_repr_matches_torch(expr):
    assert_same_repr(expr)


@pytest.mark.parametrize("expr", CASES)
def test_repr_matches_torch_with_float64_default(expr):
    torch.set_default_dtype(torch.float64)
    tm.set_default_dtype(tm.float64)
    assert_same_repr(expr)


OPTION_SETS = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 10},
    {"threshold": 5},
    {"threshold": 0},
    {"edgeitems": 1},
    {"edgeitems": 0},
    {"edgeitems": 0, "threshold": 5},
    {"linewidth": 20},
    {"linewidth": 200},
    {"linewidth": 1},
    {"sci_mode": True},
    {"sci_mode": False},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "default"},
    {"profile": "short", "precision": 6},
    {"precision": 3, "sci_mode": True, "linewidth": 40},
]

OPTION_CASES = [
    "torch.tensor(3.14159)",
    "torch.tensor([1.123456789, -2.5])",
    "torch.tensor([1e-8, 1.])",
    "torch.tensor([1., 2.])",
    f"torch.tensor({NAN_INF})",
    "torch.arange(10)",
    "torch.arange(12.).reshape(3, 4) / 3",
    "torch.arange(2000.).reshape(40, 50) / 3",
    "torch.arange(60).reshape(3, 4, 5)",
    "torch.tensor([1 + 2j, -3.25 - 4j])",
    "torch.tensor([True, False])",
    "torch.arange(100, dtype=torch.int32)",
    "torch.tensor([1., 2.], requires_grad=True) * 2",
    "torch.zeros(0, 3)",
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=str)
@pytest.mark.parametrize("expr", OPTION_CASES)
def test_repr_with_printoptions(options, expr):
    with torch._tensor_str.printoptions(**options), tm._tensor_str.printoptions(**options):
        assert tm._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
        assert_same_repr(expr)


@pytest.mark.parametrize("options", OPTION_SETS, ids=str)
def test_set_and_get_printoptions(options):
    torch.set_printoptions(**options)
    tm.set_printoptions(**options)
    assert tm._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    # the dict keeps torch's order, so it prints the same too
    assert repr(tm._tensor_str.get_printoptions()) == repr(torch._tensor_str.get_printoptions())


def test_printoptions_restores_previous_options():
    tm.set_printoptions(precision=6, linewidth=50)
    before = tm._tensor_str.get_printoptions()
    with tm._tensor_str.printoptions(precision=2, threshold=3):
        assert tm._tensor_str.get_printoptions()["precision"] == 2
        assert repr(tm.tensor([1.23456])) == "tensor([1.23])"
    assert tm._tensor_str.get_printoptions() == before


def test_printoptions_restores_after_an_exception():
    with pytest.raises(ValueError), tm._tensor_str.printoptions(precision=1):
        raise ValueError
    assert tm._tensor_str.get_printoptions()["precision"] == 4


def test_set_printoptions_resets_sci_mode_like_torch():
    for lib in (torch, tm):
        lib.set_printoptions(sci_mode=True)
        lib.set_printoptions(precision=3)
    assert tm._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    assert tm._tensor_str.get_printoptions()["sci_mode"] is None


def test_unknown_profile_is_ignored_like_torch():
    torch.set_printoptions(profile="nonsense")
    tm.set_printoptions(profile="nonsense")
    assert tm._tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()


def test_default_dtype_float16():
    torch.set_default_dtype(torch.float16)
    tm.set_default_dtype(tm.float16)
    # (no complex case: torch makes complex32 there, which taimatsu does not have)
    for expr in ["torch.tensor([1., 2.])", "torch.tensor([1., 2.], dtype=torch.float32)",
                 "torch.tensor([1., 2.], dtype=torch.float64)", "torch.tensor([])"]:
        assert_same_repr(expr)


ALL_DTYPES = [torch.float16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32,
              torch.int64, torch.uint8, torch.bool, torch.complex64, torch.complex128]


@pytest.mark.parametrize("dtype", ALL_DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (0, 2), (2, 1, 3), (1500,), (40, 40)],
                         ids=str)
def test_every_dtype_and_shape(dtype, shape):
    rng = np.random.default_rng(0)
    values = rng.standard_normal(shape) * 50
    t = torch.tensor(values)
    if dtype == torch.bool:
        t = t > 0
    elif dtype == torch.uint8:
        t = t.abs().to(dtype)
    elif dtype.is_complex:
        t = torch.complex(t, torch.tensor(rng.standard_normal(shape))).to(dtype)
    else:
        t = t.to(dtype)
    assert_same_values_repr(t)


def _random_values(rng, dtype, shape, magnitude, style):
    """Values of `dtype`, drawn to reach each printing path: integers stored as floats,
    a wide range of magnitudes (sci mode), and nan / inf / signed zeros."""
    n = math.prod(shape)
    if dtype == torch.bool:
        return torch.tensor(rng.random(n) < 0.5).reshape(shape)
    if not (dtype.is_floating_point or dtype.is_complex):
        info = torch.iinfo(dtype)
        low, high = (info.min, info.max) if style == "wide" else (-20, 20)
        ints = rng.integers(max(low, info.min), high, n, endpoint=True)
        return torch.tensor(ints).reshape(shape).to(dtype)
    values = rng.standard_normal(n) * 10.0 ** magnitude
    if style == "integral":
        values = np.round(values)
    elif style == "wide":
        values *= 10.0 ** rng.integers(-10, 10, n)
    elif style == "special":
        specials = rng.choice([np.nan, np.inf, -np.inf, 0.0, -0.0], n)
        values = np.where(rng.random(n) < 0.3, specials, values)
    t = torch.tensor(values).reshape(shape)
    if dtype.is_complex:
        imag = torch.tensor(rng.standard_normal(n) * 10.0 ** -magnitude).reshape(shape)
        t = torch.complex(t, imag)
    return t.to(dtype)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                             HealthCheck.function_scoped_fixture])
@given(
    dtype=st.sampled_from(ALL_DTYPES),
    shape=st.lists(st.integers(0, 6), max_size=4).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    magnitude=st.integers(-12, 12),
    style=st.sampled_from(["plain", "integral", "wide", "special"]),
    options=st.fixed_dictionaries({}, optional={
        "precision": st.integers(0, 10),
        "threshold": st.integers(0, 300),
        "edgeitems": st.integers(0, 4),
        "linewidth": st.integers(1, 150),
        "sci_mode": st.sampled_from([None, True, False]),
        "profile": st.sampled_from(["default", "short", "full"]),
    }),
    float64_default=st.booleans(),
)
def test_random_tensors_match_torch(dtype, shape, seed, magnitude, style, options,
                                    float64_default):
    t = _random_values(np.random.default_rng(seed), dtype, shape, magnitude, style)
    default = torch.float64 if float64_default else torch.float32
    torch.set_default_dtype(default)
    tm.set_default_dtype(tm_dtype(default))
    try:
        with torch._tensor_str.printoptions(**options), tm._tensor_str.printoptions(**options):
            assert_same_values_repr(t)
    finally:
        torch.set_default_dtype(torch.float32)
        tm.set_default_dtype(tm.float32)
