"""Reductions, order statistics and joins against the PyTorch oracle.

Each row of a table states the inputs and the call; `check` compares values,
dtypes, shapes and first and second derivatives with torch.
"""
import numpy as np
import pytest
from harness import check, check_error, noncontig, rand, randint, randn
from hypothesis import given, settings
from hypothesis import strategies as st

import taimatsu as tm

NAN, INF = float("nan"), float("inf")
F32, F64 = np.float32, np.float64


def with_ties(dtype=F64):
    return np.array([[1.0, 3.0, 3.0, -2.0], [2.0, 2.0, 0.0, 2.0], [5.0, -1.0, 5.0, 5.0]],
                    dtype=dtype)


def with_zeros(dtype=F64):
    a = randn(3, 4, dtype=dtype)
    a[0, 1] = 0.0
    a[2, 0] = a[2, 3] = 0.0
    return a


def with_nan(dtype=F64):
    a = randn(3, 4, dtype=dtype)
    a[0, 2] = np.nan
    a[1, 0] = a[1, 3] = np.nan
    return a


def with_inf(dtype=F64):
    a = randn(2, 3, dtype=dtype)
    a[0, 1] = np.inf
    a[1, 2] = -np.inf
    return a


# (name, fn(m, *inputs), inputs factory(dtype), check options)
DIFFERENTIABLE = [
    ("sum", lambda m, x: m.sum(x), lambda d: [randn(3, 4, dtype=d)], {}),
    ("sum_dim", lambda m, x: x.sum(-1), lambda d: [noncontig(randn(3, 4, dtype=d))], {}),
    ("sum_tuple_keep", lambda m, x: m.sum(x, (0, -1), keepdim=True),
     lambda d: [randn(2, 3, 4, dtype=d)], {}),
    ("sum_list", lambda m, x: m.sum(x, [2, 0]), lambda d: [randn(2, 3, 4, dtype=d)], {}),
    ("sum_empty_dims", lambda m, x: m.sum(x, ()), lambda d: [randn(2, 3, dtype=d)], {}),
    ("sum_dtype", lambda m, x: m.sum(x, 1, dtype=m.float64), lambda d: [randn(2, 3, dtype=d)],
     {}),
    ("sum_none_keep", lambda m, x: m.sum(x, dim=None, keepdim=True),
     lambda d: [randn(2, 3, dtype=d)], {}),
    ("sum_scalar", lambda m, x: x.sum(0), lambda d: [np.array(2.5, dtype=d)], {}),
    ("mean", lambda m, x: x.mean(), lambda d: [randn(3, 4, dtype=d)], {}),
    ("mean_dims", lambda m, x: m.mean(x, (-2, 0), True), lambda d: [randn(2, 3, 4, dtype=d)],
     {}),
    ("mean_dtype", lambda m, x: x.mean(1, dtype=m.float64), lambda d: [randn(2, 3, dtype=d)],
     {}),
    ("nansum", lambda m, x: m.nansum(x, 1), lambda d: [with_nan(d)], {}),
    ("nanmean", lambda m, x: m.nanmean(x), lambda d: [with_nan(d)], {}),
    ("nanmean_dim", lambda m, x: x.nanmean(0, keepdim=True), lambda d: [with_nan(d)], {}),
    ("prod", lambda m, x: x.prod(), lambda d: [rand(3, 3, low=0.5, high=1.5, dtype=d)], {}),
    ("prod_dim", lambda m, x: m.prod(x, -1, keepdim=True),
     lambda d: [noncontig(randn(3, 4, dtype=d))], {}),
    ("prod_zero", lambda m, x: x.prod(), lambda d: [with_zeros(d)[:1]], {}),
    ("prod_zeros_dim", lambda m, x: x.prod(1), lambda d: [with_zeros(d)], {}),
    ("prod_zeros_full", lambda m, x: x.prod(), lambda d: [with_zeros(d)], {}),
    ("cumsum", lambda m, x: x.cumsum(-1), lambda d: [noncontig(randn(3, 4, dtype=d))], {}),
    ("cumsum_dtype", lambda m, x: m.cumsum(x, 0, dtype=m.float64),
     lambda d: [randn(3, 2, dtype=d)], {}),
    ("cumprod", lambda m, x: x.cumprod(1), lambda d: [randn(3, 4, dtype=d)], {}),
    ("cumprod_zeros", lambda m, x: m.cumprod(x, 1), lambda d: [with_zeros(d)], {}),
    ("logsumexp", lambda m, x: m.logsumexp(x, 1), lambda d: [randn(3, 4, dtype=d) * 30], {}),
    ("logsumexp_dims", lambda m, x: x.logsumexp((0, 2), keepdim=True),
     lambda d: [randn(2, 3, 4, dtype=d)], {}),
    ("logsumexp_inf", lambda m, x: m.logsumexp(x, 1), lambda d: [with_inf(d)],
     {"grad": False}),
    ("max", lambda m, x: x.max(), lambda d: [with_ties(d)], {}),
    ("min", lambda m, x: m.min(x), lambda d: [with_ties(d)], {}),
    ("max_dim", lambda m, x: m.max(x, 1), lambda d: [with_ties(d)], {}),
    ("max_dim_keep", lambda m, x: x.max(dim=0, keepdim=True),
     lambda d: [noncontig(with_ties(d))], {}),
    ("min_dim", lambda m, x: x.min(-1), lambda d: [with_ties(d)], {}),
    ("max_nan", lambda m, x: x.max(1), lambda d: [with_nan(d)], {}),
    ("max_full_nan", lambda m, x: x.max(), lambda d: [with_nan(d)], {}),
    ("max_scalar", lambda m, x: m.max(x, 0), lambda d: [np.array(1.5, dtype=d)], {}),
    ("amax", lambda m, x: x.amax(), lambda d: [with_ties(d)], {}),
    ("amax_dim", lambda m, x: m.amax(x, 1), lambda d: [with_ties(d)], {}),
    ("amin_dims", lambda m, x: m.amin(x, (0, 1), keepdim=True), lambda d: [with_ties(d)], {}),
    ("aminmax", lambda m, x: m.aminmax(x), lambda d: [with_ties(d)], {}),
    ("aminmax_dim", lambda m, x: x.aminmax(dim=1, keepdim=True), lambda d: [with_ties(d)], {}),
    ("var", lambda m, x: x.var(), lambda d: [randn(3, 4, dtype=d)], {}),
    ("var_dim", lambda m, x: m.var(x, 1, keepdim=True), lambda d: [randn(3, 4, dtype=d)], {}),
    ("var_unbiased", lambda m, x: m.var(x, 0, False), lambda d: [randn(3, 4, dtype=d)], {}),
    ("var_legacy", lambda m, x: x.var(False), lambda d: [randn(3, 4, dtype=d)], {}),
    ("var_correction", lambda m, x: m.var(x, (0, 1), correction=2),
     lambda d: [randn(3, 4, dtype=d)], {}),
    ("std", lambda m, x: x.std(), lambda d: [randn(3, 4, dtype=d)], {}),
    ("std_dim", lambda m, x: m.std(x, -1, unbiased=False),
     lambda d: [noncontig(randn(3, 4, dtype=d))], {}),
    ("std_const", lambda m, x: x.std(1), lambda d: [np.ones((2, 3), dtype=d)], {}),
    ("std_mean", lambda m, x: m.std_mean(x, 1), lambda d: [randn(3, 4, dtype=d)], {}),
    ("var_mean", lambda m, x: m.var_mean(x, correction=0), lambda d: [randn(3, 4, dtype=d)],
     {}),
    ("norm", lambda m, x: x.norm(), lambda d: [randn(3, 4, dtype=d)], {}),
    ("norm_fro_dim", lambda m, x: m.norm(x, "fro", dim=1), lambda d: [randn(3, 4, dtype=d)],
     {}),
    # torch's second derivative here is a ZeroTensor, which the harness cannot read
    ("norm_1", lambda m, x: m.norm(x, 1), lambda d: [randn(3, 4, dtype=d)], {"gradgrad": False}),
    ("norm_3", lambda m, x: m.norm(x, 3, dim=0, keepdim=True),
     lambda d: [randn(3, 4, dtype=d)], {}),
    ("norm_1_5", lambda m, x: m.norm(x, 1.5, dim=1), lambda d: [randn(3, 4, dtype=d)], {}),
    ("norm_0_5", lambda m, x: m.norm(x, 0.5), lambda d: [randn(3, 4, dtype=d)], {}),
    ("norm_inf", lambda m, x: m.norm(x, INF, dim=1), lambda d: [with_ties(d)],
     {"gradgrad": False}),
    ("norm_neg_inf", lambda m, x: m.norm(x, -INF), lambda d: [with_ties(d)],
     {"gradgrad": False}),
    ("norm_0", lambda m, x: m.norm(x, 0), lambda d: [with_zeros(d)], {}),
    ("norm_zero_row", lambda m, x: m.norm(x, dim=1),
     lambda d: [np.array([[0.0, 0.0], [3.0, 4.0]], dtype=d)], {}),
    ("median", lambda m, x: x.median(), lambda d: [with_ties(d)], {}),
    ("median_dim", lambda m, x: m.median(x, 1), lambda d: [with_ties(d)], {}),
    ("median_dim0", lambda m, x: x.median(0, keepdim=True), lambda d: [randn(4, 3, dtype=d)],
     {}),
    ("median_nan", lambda m, x: m.median(x, 1), lambda d: [with_nan(d)], {}),
    ("nanmedian", lambda m, x: m.nanmedian(x), lambda d: [with_nan(d)], {}),
    ("nanmedian_dim", lambda m, x: x.nanmedian(1), lambda d: [with_nan(d)], {}),
    ("kthvalue", lambda m, x: x.kthvalue(2, 1), lambda d: [with_ties(d)], {}),
    ("kthvalue_keep", lambda m, x: m.kthvalue(x, 3, 0, True), lambda d: [randn(5, 3, dtype=d)],
     {}),
    ("mode", lambda m, x: x.mode(1), lambda d: [with_ties(d)], {}),
    ("mode_dim0", lambda m, x: m.mode(x, 0), lambda d: [with_ties(d)], {}),
    ("sort", lambda m, x: x.sort(), lambda d: [noncontig(with_ties(d))], {}),
    ("sort_desc", lambda m, x: m.sort(x, 0, descending=True), lambda d: [with_ties(d)], {}),
    ("sort_nan", lambda m, x: m.sort(x, 1, descending=True), lambda d: [with_nan(d)], {}),
    ("sort_stable", lambda m, x: m.sort(x, stable=True), lambda d: [with_ties(d)], {}),
    ("msort", lambda m, x: m.msort(x), lambda d: [with_ties(d)], {}),
    ("topk", lambda m, x: x.topk(2), lambda d: [with_ties(d)], {}),
    ("topk_smallest", lambda m, x: m.topk(x, 2, 0, largest=False), lambda d: [with_ties(d)],
     {}),
    ("cummax", lambda m, x: x.cummax(1), lambda d: [with_ties(d)], {}),
    ("cummin", lambda m, x: m.cummin(x, 0), lambda d: [with_ties(d)], {}),
    ("cummax_nan", lambda m, x: m.cummax(x, 1), lambda d: [with_nan(d)], {}),
    ("quantile", lambda m, x: m.quantile(x, 0.3), lambda d: [randn(3, 4, dtype=d)], {}),
    ("quantile_dim", lambda m, x: x.quantile(0.75, dim=1, keepdim=True),
     lambda d: [randn(3, 4, dtype=d)], {}),
    ("quantile_tensor_q", lambda m, x, q: m.quantile(x, q, dim=0),
     lambda d: [randn(3, 4, dtype=d), np.array([0.1, 0.5, 1.0], dtype=d)],
     {"requires_grad": [True, False]}),
    ("quantile_nan", lambda m, x: m.quantile(x, 0.5, 1), lambda d: [with_nan(d)], {}),
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.4, 1), lambda d: [with_nan(d)], {}),
    ("norm_dtype", lambda m, x: m.linalg.vector_norm(x, dtype=m.float64) if m is not tm
     else tm._ops.reduction.vector_norm(x, dtype=tm.float64), lambda d: [randn(3, dtype=d)],
     {}),
    ("cat", lambda m, x, y: m.cat([x, y], 1), lambda d: [randn(2, 3, dtype=d),
                                                       noncontig(randn(2, 2, dtype=d))], {}),
    ("cat_neg_dim", lambda m, x, y: m.cat((x, y), dim=-3),
     lambda d: [randn(1, 2, 3, dtype=d), randn(2, 2, 3, dtype=d)], {}),
    ("cat_legacy_empty", lambda m, x, y: m.concat([x, y]),
     lambda d: [randn(0, dtype=F32), randn(2, 3, dtype=d)], {}),
    ("cat_promote", lambda m, x, y: m.concatenate([x, y]),
     lambda d: [randn(2, dtype=d), np.array([1, 2])], {}),
    ("stack", lambda m, x, y: m.stack([x, y], 1), lambda d: [randn(2, 3, dtype=d),
                                                           randn(2, 3, dtype=d)], {}),
    ("stack_last", lambda m, x, y: m.stack([x, y], -1), lambda d: [randn(3, dtype=d),
                                                                 randn(3, dtype=d)], {}),
    ("hstack", lambda m, x, y: m.hstack([x, y]), lambda d: [randn(2, dtype=d),
                                                          randn(3, dtype=d)], {}),
    ("hstack_2d", lambda m, x, y: m.hstack([x, y]), lambda d: [randn(2, 1, dtype=d),
                                                             randn(2, 3, dtype=d)], {}),
    ("vstack", lambda m, x, y: m.vstack([x, y]), lambda d: [randn(3, dtype=d),
                                                          randn(2, 3, dtype=d)], {}),
    ("dstack", lambda m, x, y: m.dstack([x, y]), lambda d: [randn(3, dtype=d),
                                                          randn(1, 3, dtype=d)], {}),
    ("column_stack", lambda m, x, y, z: m.column_stack([x, y, z]),
     lambda d: [randn(3, dtype=d), randn(3, 2, dtype=d), np.array([1.0, 2.0, 3.0], dtype=d)],
     {}),
]


@pytest.mark.parametrize("dtype", [F64, F32], ids=["f64", "f32"])
@pytest.mark.parametrize("name,fn,make,opts", DIFFERENTIABLE, ids=[c[0] for c in DIFFERENTIABLE])
def test_differentiable(name, fn, make, opts, dtype):
    check(fn, make(dtype), **opts)


def test_grad_fn_names():
    x = tm.tensor(with_ties(), requires_grad=True)
    names = {
        "SumBackward0": x.sum(), "SumBackward1": x.sum(1), "MeanBackward0": x.mean(),
        "MeanBackward1": x.mean(()), "ProdBackward0": x.prod(), "ProdBackward1": x.prod(0),
        "MaxBackward1": x.max(), "MaxBackward0": x.max(1).values, "MinBackward1": x.min(),
        "MinBackward0": x.min(0)[0], "AmaxBackward0": x.amax(1), "AminBackward0": x.amin(),
        "StdBackward0": x.std(), "VarBackward0": x.var(1),
        "StdMeanBackward0": tm.std_mean(x)[0], "VarMeanBackward0": tm.var_mean(x, 1)[1],
        "LinalgVectorNormBackward0": x.norm(), "LogsumexpBackward0": x.logsumexp(1),
        "CumsumBackward0": x.cumsum(0), "CumprodBackward0": x.cumprod(1),
        "CummaxBackward0": x.cummax(1)[0], "CumminBackward0": x.cummin(1)[0],
        "MedianBackward0": x.median(), "MedianBackward1": x.median(0).values,
        "NanmedianBackward0": x.nanmedian(), "NanmedianBackward1": x.nanmedian(1).values,
        "SqueezeBackward4": x.quantile(0.5), "NansumBackward0": x.nansum(),
        "DivBackward0": x.nanmean(), "TopkBackward0": x.topk(1).values,
        "SortBackward0": x.msort(), "ModeBackward0": x.mode().values,
        "KthvalueBackward0": x.kthvalue(1).values, "AminmaxBackward0": x.aminmax().max,
        "CatBackward0": tm.vstack([x, x]), "StackBackward0": tm.stack([x, x]),
    }
    for name, t in names.items():
        assert t.grad_fn.name() == name


INTEGER = [
    ("sum_int", lambda m, x: x.sum(1)), ("sum_bool", lambda m, x: (x > 1).sum()),
    ("sum_dtype_int", lambda m, x: m.sum(x, dtype=m.int32)),
    ("prod_int", lambda m, x: x.prod(0)), ("cumsum_int", lambda m, x: x.cumsum(0)),
    ("cumprod_bool", lambda m, x: (x > 1).cumprod(1)), ("nansum_int", lambda m, x: m.nansum(x)),
    ("max_int", lambda m, x: x.max()), ("max_dim_int", lambda m, x: x.max(1)),
    ("max_bool", lambda m, x: (x > 1).max(0)), ("amax_int", lambda m, x: x.amax(0)),
    ("argmax", lambda m, x: x.argmax()), ("argmin_dim", lambda m, x: m.argmin(x, 1, True)),
    ("all", lambda m, x: x.all()), ("any_dim", lambda m, x: m.any(x > 2, 1)),
    ("all_dims", lambda m, x: m.all(x, (0, 1), keepdim=True)),
    ("all_uint8", lambda m, x: x.to(m.uint8).all(1)), ("any_uint8", lambda m, x: x.byte().any()),
    ("count_nonzero", lambda m, x: m.count_nonzero(x)),
    ("count_nonzero_dims", lambda m, x: m.count_nonzero(x, (0, 1))),
    ("median_int", lambda m, x: x.median(1)), ("median_full_int", lambda m, x: x.median()),
    ("mode_int", lambda m, x: x.mode(0)), ("kthvalue_int", lambda m, x: x.kthvalue(2)),
    ("sort_int", lambda m, x: x.sort(0, descending=True)),
    ("sort_bool", lambda m, x: (x > 1).sort(1)), ("argsort", lambda m, x: x.argsort(1)),
    ("argsort_desc", lambda m, x: m.argsort(x, 0, descending=True)),
    ("topk_int", lambda m, x: x.topk(2)), ("cummax_int", lambda m, x: m.cummax(x, 1)),
    ("cummin_bool", lambda m, x: m.cummin(x > 1, 1)),
    ("aminmax_int", lambda m, x: m.aminmax(x, dim=0)),
    ("unique", lambda m, x: m.unique(x)),
    ("unique_all", lambda m, x: m.unique(x, return_inverse=True, return_counts=True)),
    ("unique_dim", lambda m, x: m.unique(x % 2, dim=0, return_inverse=True,
                                         return_counts=True)),
    ("unique_dim1", lambda m, x: (x % 2).unique(dim=1)),
    ("unique_consecutive", lambda m, x: m.unique_consecutive(x, return_inverse=True,
                                                             return_counts=True)),
    ("unique_consecutive_dim", lambda m, x: m.unique_consecutive(
        m.cat([x % 2, x % 2]), dim=0, return_counts=True)),
    ("bincount", lambda m, x: m.bincount(x.flatten())),
    ("bincount_weights", lambda m, x: x.flatten().bincount(x.flatten().double(), 8)),
    ("bincount_float_weights", lambda m, x: m.bincount(x.flatten(), x.flatten().float())),
    ("cat_int_bool", lambda m, x: m.cat([x, x > 1], 1)),
    ("stack_int", lambda m, x: m.stack([x, x.int()])),
]


@pytest.mark.parametrize("name,fn", INTEGER, ids=[c[0] for c in INTEGER])
def test_integer_and_bool(name, fn):
    check(fn, [randint(0, 4, 4, 5)])


HISTOGRAMS = [
    lambda m, x: m.histc(x, bins=4),
    lambda m, x: x.histc(5, min=-1, max=1),
    lambda m, x: m.histc(x[:1] * 0, bins=3),
]


@pytest.mark.parametrize("fn", HISTOGRAMS)
@pytest.mark.parametrize("dtype", [F64, F32], ids=["f64", "f32"])
def test_histc(fn, dtype):
    check(fn, [randn(20, dtype=dtype)], grad=False)


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile_interpolation(interpolation):
    check(lambda m, x: m.quantile(x, 0.4, dim=1, interpolation=interpolation),
          [randn(3, 6)])
    check(lambda m, x, q: m.nanquantile(x, q, interpolation=interpolation),
          [with_nan(), np.array([0.0, 0.5, 0.9])], requires_grad=[True, False])


EMPTY = [
    ("sum", lambda m, x: x.sum()), ("sum_dim", lambda m, x: x.sum(0)),
    ("mean", lambda m, x: x.mean()), ("mean_dim", lambda m, x: x.mean(0)),
    ("prod", lambda m, x: x.prod()), ("amax_other_dim", lambda m, x: x.amax(1)),
    ("max_other_dim", lambda m, x: x.max(1)), ("cumsum", lambda m, x: x.cumsum(0)),
    ("logsumexp", lambda m, x: m.logsumexp(x, 0)), ("sort", lambda m, x: x.sort(0)),
    ("cummax", lambda m, x: x.cummax(0)), ("norm", lambda m, x: x.norm()),
    ("median", lambda m, x: x.median()), ("all", lambda m, x: x.all()),
    ("any", lambda m, x: x.any(1)),
]


@pytest.mark.parametrize("name,fn", EMPTY, ids=[c[0] for c in EMPTY])
def test_empty(name, fn):
    # torch's cummax backward hands back the empty input itself (so its "gradient" has a
    # graph to x); ours is a fresh empty gradient
    check(fn, [np.zeros((0, 3), dtype=F32)], gradgrad=name != "cummax")


ERRORS = [
    (lambda m, x: x.sum(2), [randn(2, 3)]),
    (lambda m, x: x.amax((0, 0)), [randn(2, 3)]),
    (lambda m, x: x.mean(), [randint(0, 3, 2, 3)]),
    (lambda m, x: m.cat([x, x[:, :2].T]), [randn(2, 3)]),
    (lambda m, x: m.cat([x, x[0]]), [randn(2, 3)]),
    (lambda m, x: m.cat([x[0, 0], x[0, 0]]), [randn(2, 3)]),
    (lambda m, x: m.cat([], 0), []),
    (lambda m, x: m.cat([x], dim=2), [randn(2, 3)]),
    (lambda m, x: m.stack([x, x[:, :2]]), [randn(2, 3)]),
    (lambda m, x: m.stack([x], 3), [randn(2, 3)]),
    (lambda m, x: m.stack([]), []),
    (lambda m, x: x.max(), [np.zeros((0, 3))]),
    (lambda m, x: x.max(0), [np.zeros((0, 3))]),
    (lambda m, x: x.amax(), [np.zeros((0, 3))]),
    (lambda m, x: x.argmax(), [np.zeros((0, 3))]),
    (lambda m, x: x.median(0), [np.zeros((0, 3))]),
    (lambda m, x: x.aminmax(), [np.zeros((0, 3))]),
    (lambda m, x: x.argmax(), [np.array([True, False])]),
    (lambda m, x: x.std(), [randint(0, 3, 4)]),
    (lambda m, x: x.norm(), [randint(0, 3, 4)]),
    (lambda m, x: x.topk(4), [randn(3)]),
    (lambda m, x: x.kthvalue(0), [randn(3)]),
    (lambda m, x: x.kthvalue(4), [randn(3)]),
    (lambda m, x: m.quantile(x, 1.5), [randn(3)]),
    (lambda m, x: m.quantile(x, 0.5), [np.zeros(0)]),
    (lambda m, x: m.quantile(x, 0.5, interpolation="cubic"), [randn(3)]),
    (lambda m, x: m.quantile(x, 0.5), [randint(0, 3, 4)]),
    (lambda m, x: x.max(1), [randn(3)]),
    (lambda m, x: x.cumsum(1), [randn(3)]),
    (lambda m, x: m.bincount(x), [np.array([-1, 2])]),
    (lambda m, x: x.median(), [np.array([True, False])]),
    (lambda m, x: x.topk(1), [np.array([True, False])]),
]


@pytest.mark.parametrize("fn,arrays", ERRORS)
def test_errors(fn, arrays):
    if not arrays:
        check_error(lambda m: fn(m, None))
    else:
        check_error(fn, arrays)


def test_dim_out_of_range_message():
    with pytest.raises(IndexError, match=r"expected to be in range of \[-2, 1\], but got 2"):
        tm.zeros(2, 3).sum(2)


def test_binary_max_dispatches_to_maximum():
    check(lambda m, x, y: m.max(x, y), [randn(2, 3), randn(3)])
    check(lambda m, x, y: x.min(y), [randn(2, 3), randn(2, 3)])


def test_return_types():
    x = tm.tensor([[1.0, 3.0], [2.0, 0.0]])
    r = x.max(1)
    assert isinstance(r, tuple) and isinstance(r, tm.return_types.max)
    values, indices = r
    assert values is r.values and indices is r.indices and r[1] is r.indices
    assert repr(r) == ("torch.return_types.max(\nvalues=tensor([3., 2.]),\n"
                       "indices=tensor([1, 0]))")
    assert repr(tm.aminmax(x)).startswith("torch.return_types.aminmax(\nmin=tensor(0.),")
    assert type(r).n_fields == 2
    assert type(tm.std_mean(x)) is tuple


def test_kthvalue_ties_follow_torch(oracle):
    rng = np.random.default_rng(1)
    a = rng.integers(0, 4, (30, 9)).astype(np.float64)
    for k in (1, 3, 5, 9):
        ours = tm.tensor(a).kthvalue(k, 1)
        theirs = oracle.tensor(a).kthvalue(k, 1)
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    wide = rng.integers(0, 4, (6, 40)).astype(np.float32)   # std::sort is unstable here
    for fn in (lambda m, t: t.median(1), lambda m, t: t.mode(1), lambda m, t: t.cummax(1),
               lambda m, t: t.topk(4, 1), lambda m, t: t.sort(1, descending=True),
               lambda m, t: t.topk(7, 1, sorted=False), lambda m, t: t.topk(3, 1, largest=False),
               lambda m, t: m.sort(t, dim=0), lambda m, t: t.mode(0)):
        for x in (a, wide):
            np.testing.assert_array_equal(fn(tm, tm.tensor(x)).indices.numpy(),
                                          fn(oracle, oracle.tensor(x)).indices.numpy())
    np.testing.assert_array_equal(tm.argsort(tm.tensor(wide), 1).numpy(),
                                  oracle.argsort(oracle.tensor(wide), 1).numpy())


def test_out_argument():
    out = tm.empty(3)
    r = tm.sum(tm.ones(2, 3), 0, out=out)
    assert r is out and out.tolist() == [2.0, 2.0, 2.0]
    values, indices = tm.empty(2), tm.zeros(2, dtype=tm.int64)
    r = tm.max(tm.tensor([[1.0, 5.0], [7.0, 2.0]]), 1, out=(values, indices))
    assert r.values is values and values.tolist() == [5.0, 7.0] and indices.tolist() == [1, 0]
    out = tm.empty(3)
    assert tm.cat([tm.ones(1), tm.zeros(2)], out=out) is out and out.tolist() == [1, 0, 0]


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), data=st.data())
def test_reductions_hypothesis(shape, data):
    ndim = len(shape)
    dims = data.draw(st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim,
                              unique_by=lambda d: d % ndim))
    dim = data.draw(st.integers(-ndim, ndim - 1))
    keepdim = data.draw(st.booleans())
    x = randn(*shape)
    check(lambda m, t: m.sum(t, dims, keepdim), [x], gradgrad=False)
    check(lambda m, t: t.std(dims, keepdim=keepdim), [x], gradgrad=False) \
        if int(np.prod([shape[d] for d in dims])) > 1 else None
    check(lambda m, t: m.amax(t, dims, keepdim), [x])
    check(lambda m, t: m.logsumexp(t, dims, keepdim), [x], gradgrad=False)
    check(lambda m, t: t.max(dim, keepdim), [x])
    check(lambda m, t: t.sort(dim, descending=keepdim), [x])
    check(lambda m, t: t.cumprod(dim), [x], gradgrad=False)
    check(lambda m, t: m.median(t, dim, keepdim), [x])


@settings(max_examples=15, deadline=None)
@given(shapes=st.lists(st.integers(0, 3), min_size=1, max_size=4), dim=st.integers(0, 1))
def test_cat_hypothesis(shapes, dim):
    arrays = [randn(n, 2, dtype=F32) if dim == 0 else randn(2, n, dtype=F32) for n in shapes]
    check(lambda m, *ts: m.cat(ts, dim), arrays, gradgrad=False)


# regressions found by tests/test_fuzz.py

@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("call", [
    lambda m, x: x.mean(-1), lambda m, x: x.mean(0, keepdim=True), lambda m, x: x.std(-1),
    lambda m, x: x.var(0), lambda m, x: x.logsumexp(0)])
def test_zero_dim_reduction_over_dim(call):
    check(call, [np.array(0.5)], gradgrad=False)


@pytest.mark.filterwarnings("ignore")
def test_var_std_backward_without_degrees_of_freedom():
    check(lambda m, x: x.std(0, keepdim=True), [np.array([7.5])])
    check(lambda m, x: x.var(), [np.array([7.5])], gradgrad=False)
    check(lambda m, x: x.var(correction=2), [np.array([7.5, 1.0])], gradgrad=False)


B23 = np.ones((2, 3), bool)
I23 = np.ones((2, 3), np.int64)


@pytest.mark.parametrize("fn,arrays", [
    # torch checks var/std's dtype before the dims, median's and kthvalue's after
    (lambda m, x: x.var(5), [I23]), (lambda m, x: x.std((0, 5)), [B23]),
    (lambda m, x: m.var_mean(x, -4), [I23]), (lambda m, x: m.std_mean(x, 0), [B23]),
    (lambda m, x: x.median(5), [B23]), (lambda m, x: x.nanmedian(0), [B23]),
    (lambda m, x: x.median(0), [np.ones((0, 3), bool)]),
    (lambda m, x: x.nanmedian(0), [np.ones((0, 3))]),
    (lambda m, x: x.kthvalue(1, 0), [np.ones((0, 3), bool)]),
    (lambda m, x: x.kthvalue(1, 0), [B23])])
def test_reduction_check_order(fn, arrays):
    check_error(fn, arrays)


def test_median_of_empty_and_zero_dim_bool():
    check(lambda m, x: x.median(), [np.ones((0, 3), bool)])
    check(lambda m, x: x.median(), [np.ones((0, 3), np.int64)])
    check(lambda m, x: x.kthvalue(1), [np.array(True)])


@pytest.mark.parametrize("fn", [
    lambda m, x: x.sum(axis=1, keepdims=True), lambda m, x: m.mean(x, axis=0),
    lambda m, x: x.cumsum(axis=1), lambda m, x: x.max(axis=1).values,
    lambda m, x: x.argmax(axis=0), lambda m, x: x.std(axis=1, keepdims=True),
    lambda m, x: m.cat([x, x], axis=1), lambda m, x: m.stack([x, x], axis=0),
    lambda m, x: x.softmax(axis=1), lambda m, x: x.unsqueeze(axis=0),
    lambda m, x: x.sum(axis=[0, 1]), lambda m, x: x.logsumexp(axis=1),
])
def test_numpy_argument_names(fn):
    # torch's argument parser takes numpy's names for every op: axis=, keepdims=
    check(fn, [randn(3, 4)])
