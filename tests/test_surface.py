"""The everyday surface real programs reach for at their first lines (issue 12), against
torch: factories' size= keyword, sequences as data, indexing with a range, to(None)."""
import collections
import warnings

import numpy as np
import pytest

import taimatsu as tm
from conftest import load_oracle


def both():
    return tm, load_oracle()


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_factories_take_size_as_a_keyword(name):
    for m in both():
        f = getattr(m, name)
        assert f(size=(2, 3)).shape == (2, 3)
        assert f(size=[4]).shape == (4,)
        assert f(size=m.Size([1, 2]), dtype=m.float64).dtype == m.float64
    messages = []
    for m in both():
        with pytest.raises(TypeError) as e:
            getattr(m, name)(2, size=(3,))
        messages.append(str(e.value).split(" - ")[0].split(",")[0])
    assert messages[0] == messages[1]


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_sizes_one_by_one_that_are_not_ints(name):
    messages = []
    for m in both():
        with pytest.raises(TypeError) as e:
            getattr(m, name)(2, "a")
        messages.append(str(e.value).splitlines()[0])
    assert messages[0] == messages[1]


def test_seeded_size_keyword_draws_the_same_numbers():
    torch = load_oracle()
    tm.manual_seed(3)
    torch.manual_seed(3)
    np.testing.assert_array_equal(tm.randn(size=(5,)).numpy(), torch.randn(size=(5,)).numpy())


@pytest.mark.parametrize("data", [collections.deque([1, 2, 3]), range(4), range(2, 9, 3),
                                  collections.deque([1.5, 2.0])],
                         ids=["deque", "range", "stepped range", "float deque"])
def test_any_sequence_is_data(data):
    ours, theirs = (m.tensor(data) for m in both())
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("index", [
    lambda m: (range(3), m.tensor([0, 1, 3])), lambda m: range(1, 3),
    lambda m: (slice(None), range(0, 4, 2)), lambda m: (range(3), [0, 1, 3])],
    ids=["range and tensor", "range", "slice and range", "range and list"])
def test_indexing_with_a_range(index):
    results = []
    for m in both():
        x = m.arange(12.0).reshape(3, 4).requires_grad_()
        y = x[index(m)]
        y.sum().backward()
        results.append((y.detach().numpy(), x.grad.numpy()))
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_to_none_is_a_no_op():
    for m in both():
        x = m.zeros(2)
        assert x.to(None) is x
        assert x.to(None, m.float64).dtype == m.float64


def test_device_predicates_and_sizes_in_bytes():
    for m in both():
        x = m.arange(6.0).reshape(2, 3)
        assert (x.is_xpu, x.is_mps, x.is_meta, x.is_pinned()) == (False,) * 4
        assert (x.nbytes, x.itemsize, x[:, :2].nbytes) == (24, 4, 16)
        assert m.zeros(3, dtype=m.int8).itemsize == 1


def test_pin_memory_is_a_cpu_only_torchs_error():
    messages = []
    for m in both():
        with pytest.raises(RuntimeError) as e:
            m.zeros(2).pin_memory()
        messages.append(str(e.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("make,wrap", [
    (lambda m: m.zeros(3, 4), False), (lambda m: m.zeros(5, 3), True),
    (lambda m: m.zeros(7, 3), True), (lambda m: m.zeros(7, 3), False),
    (lambda m: m.zeros(6, 4).t(), True), (lambda m: m.zeros(2, 2, 2), False),
    (lambda m: m.zeros(4, 6)[1:, 1:], False)],
    ids=["wide", "tall wrapped", "taller wrapped", "tall", "transposed", "cube", "sliced"])
def test_fill_diagonal(make, wrap):
    ours, theirs = (make(m).fill_diagonal_(2.5, wrap=wrap) for m in both())
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_fill_diagonal_errors_and_gradient():
    for m in both():
        for bad in (m.zeros(2, 3, 4), m.zeros(3), m.zeros(2, 2, requires_grad=True)):
            with pytest.raises(RuntimeError):
                bad.fill_diagonal_(1)
        w = m.zeros(2, 2, requires_grad=True)
        v = (w * 1).fill_diagonal_(3)
        assert v.grad_fn.name() == "torch::autograd::CopySlices"
        v.sum().backward()
        np.testing.assert_array_equal(w.grad.numpy(), [[0, 1], [1, 0]])


@pytest.mark.parametrize("args,kwargs", [((1, 4), {}), ((0, 1, 0.3), {}), ((5, 1, -1.5), {}),
                                         ((1, 4), {"dtype": "int64"}), ((-1, 2.5), {})])
def test_range_is_deprecated_and_inclusive(args, kwargs):
    results = []
    for m in both():
        kw = {k: getattr(m, v) for k, v in kwargs.items()}
        with pytest.warns(UserWarning, match="torch.range is deprecated"):
            results.append(m.range(*args, **kw))
    assert str(results[0].dtype) == str(results[1].dtype)
    np.testing.assert_array_equal(results[0].numpy(), results[1].numpy())


def test_range_needs_an_end():
    messages = []
    for m in both():
        with pytest.raises(TypeError) as e:
            m.range(3)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


@pytest.mark.parametrize("args", [(1, 4, 0), (4, 1)], ids=["zero step", "wrong sign"])
def test_range_errors(args):
    messages = []
    for m in both():
        with pytest.warns(UserWarning), pytest.raises(RuntimeError) as e:
            m.range(*args)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def test_frombuffer_shares_the_buffer():
    for m in both():
        b = bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00")
        t = m.frombuffer(b, dtype=m.int32)
        t[0] = 7
        assert b[:4] == b"\x07\x00\x00\x00" and t.tolist() == [7, 2]
        assert m.frombuffer(b, dtype=m.int16, count=2, offset=2).tolist() == [0, 2]
        assert m.frombuffer(b, dtype=m.float32, requires_grad=True).requires_grad


@pytest.mark.parametrize("kwargs", [{"count": 5}, {"count": -1, "offset": 1}])
def test_frombuffer_errors(kwargs):
    messages = []
    for m in both():
        with pytest.raises(ValueError) as e:
            m.frombuffer(bytearray(8), dtype=m.int32, **kwargs)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def test_no_accelerator_and_settable_backend_flags():
    for m in both():
        assert not m.accelerator.is_available() and m.accelerator.device_count() == 0
        assert m.accelerator.current_accelerator() is None
        with pytest.raises(RuntimeError, match="none is available"):
            m.accelerator.current_device_index()
        assert not m.backends.cuda.is_built() and not m.backends.cuda.matmul.allow_tf32
        m.backends.cuda.matmul.allow_tf32 = True
        assert m.backends.cuda.matmul.allow_tf32
        m.backends.cuda.matmul.allow_tf32 = False


def test_jit_runs_the_same_code():
    class Net(tm.nn.Module):
        def forward(self, x):
            return x * 2

        @tm.jit.ignore
        def ignored(self):
            return 1

        @tm.jit.export
        def exported(self):
            return 3

    net = tm.jit.script(Net())
    assert isinstance(net, tm.jit.ScriptModule)
    assert net(tm.ones(2)).tolist() == [2.0, 2.0] and net.ignored() == 1 and net.exported() == 3
    traced = tm.jit.trace(tm.nn.Linear(2, 1), tm.zeros(1, 2))
    assert traced(tm.zeros(1, 2)).shape == (1, 1)
    assert not tm.jit.is_scripting() and not tm.jit.is_tracing()
    assert tm.jit.fork(lambda x: x + 1, 1).wait() == 2
    with pytest.raises(RuntimeError, match="no TorchScript"):
        tm.jit.save(net, "net.pt")


def test_onnx_imports_and_refuses_to_export():
    assert not tm.onnx.is_in_onnx_export()
    with pytest.raises(RuntimeError, match="cannot export to ONNX"):
        tm.onnx.export(tm.nn.Linear(2, 1), (tm.zeros(1, 2),), "model.onnx")


def test_complex64_magnitudes_are_torchs():
    """numpy's complex64 abs is an ulp off in a third of the elements; torch's is not."""
    rng = np.random.default_rng(0)
    z = ((rng.standard_normal(20000) + 1j * rng.standard_normal(20000)) * 3).astype(np.complex64)
    torch = load_oracle()
    np.testing.assert_array_equal(tm.from_numpy(z).abs().numpy(),
                                  torch.from_numpy(z).abs().numpy())


COMPARED = [
    ("close values", lambda m: (m.tensor([1.0, 2.0]), m.tensor([1.0, 2.0 + 1e-7]))),
    ("one off", lambda m: (m.tensor([1.0, 2.0, 3.0]), m.tensor([1.0, 2.5, 3.0]))),
    ("dtypes", lambda m: (m.tensor([1.0]), m.tensor([1.0], dtype=m.float64))),
    ("integers", lambda m: (m.tensor([1, 2]), m.tensor([1, 3]))),
    ("nan", lambda m: (m.tensor([1.0, float("nan")]), m.tensor([1.0, float("nan")]))),
    ("shapes", lambda m: (m.zeros(2, 3), m.zeros(3, 2))),
    ("numbers", lambda m: (1.0, 1.0001)), ("int and float", lambda m: (1, 1.0)),
    ("booleans", lambda m: (True, False)),
    ("a list", lambda m: ([m.zeros(2)], [m.ones(2)])),
    ("a dict", lambda m: ({"a": [m.zeros(1)]}, {"a": [m.ones(1)]})),
    ("keys", lambda m: ({"a": 1}, {"b": 1})), ("lengths", lambda m: ([1], [1, 2])),
    ("a matrix", lambda m: (m.tensor([[1.0, 2.0], [3.0, 4.0]]), m.tensor([[1.0, 2.0],
                                                                           [3.0, 4.1]]))),
    ("0-d", lambda m: (m.tensor(2.0), m.tensor(2.5))),
    ("bools", lambda m: (m.tensor([True]), m.tensor([False]))),
    ("arrays", lambda m: (np.array([1.0, 2.0]), np.array([1.0, 2.5]))),
    ("strings", lambda m: ("a", "a")), ("empty", lambda m: (m.zeros(0), m.zeros(0))),
    ("inf", lambda m: (m.tensor([1.0, 5.0]), m.tensor([1.0, float("inf")]))),
]


@pytest.mark.parametrize("make", [c[1] for c in COMPARED], ids=[c[0] for c in COMPARED])
def test_assert_close_is_torchs(make):
    outcomes = []
    for m in both():
        try:
            m.testing.assert_close(*make(m))
            outcomes.append(None)
        except (AssertionError, TypeError) as e:
            outcomes.append((type(e), str(e).replace("taimatsu._tensor.Tensor", "torch.Tensor")))
    assert outcomes[0] == outcomes[1]


def test_assert_close_options():
    for m in both():
        m.testing.assert_close(m.tensor([float("nan")]), m.tensor([float("nan")]), equal_nan=True)
        m.testing.assert_close(m.tensor([1.0]), m.tensor([1.1]), atol=0.2, rtol=0)
        m.testing.assert_close(m.tensor([1.0]), m.tensor([1.0], dtype=m.float64),
                               check_dtype=False)
        with pytest.raises(ValueError, match="got no rtol"):
            m.testing.assert_close(m.tensor([1.0]), m.tensor([1.0]), atol=0.1)
        with pytest.raises(AssertionError, match="^custom$"):
            m.testing.assert_close(m.tensor([1.0]), m.tensor([2.0]), msg="custom")
        with pytest.raises(AssertionError, match="allowed\\)!!$"):
            m.testing.assert_close(m.tensor([1.0]), m.tensor([2.0]), msg=lambda s: s + "!!")
        with pytest.raises(AssertionError, match="stride"):
            m.testing.assert_close(m.zeros(2, 2), m.zeros(2, 2).t(), check_stride=True)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "uint8", "bool", "complex64",
                                   "int8"])
def test_make_tensor_draws_torchs_values(dtype):
    values = []
    for m in both():
        m.manual_seed(0)
        values.append(m.testing.make_tensor((2, 3), dtype=getattr(m, dtype), device="cpu"))
    assert values[0].tolist() == values[1].tolist()


def test_make_tensor_options():
    for m in both():
        t = m.testing.make_tensor(3, dtype=m.float32, device="cpu", low=-1, high=1,
                                  requires_grad=True)
        assert t.requires_grad and bool(((t >= -1) & (t < 1)).all())
        assert not m.testing.make_tensor(2, 3, dtype=m.float32, device="cpu",
                                         noncontiguous=True).is_contiguous()
        assert bool((m.testing.make_tensor(8, dtype=m.int64, device="cpu", low=0, high=2,
                                           exclude_zero=True) == 1).all())
        for kwargs in ({"low": 2, "high": 1}, {"low": float("nan")}, {"requires_grad": True}):
            with pytest.raises(ValueError):
                m.testing.make_tensor(2, dtype=m.int64, device="cpu", **kwargs)


def test_data_parallel_without_gpus_is_the_module():
    torch = load_oracle()
    nets = []
    for m in (tm, torch):
        m.manual_seed(0)
        net = m.nn.DataParallel(m.nn.Linear(2, 3))
        assert m.nn.parallel.DataParallel is m.nn.DataParallel and net.device_ids == []
        nets.append(net)
    assert repr(nets[0]) == repr(nets[1])
    assert list(nets[0].state_dict()) == list(nets[1].state_dict()) == ["module.weight",
                                                                         "module.bias"]
    x = np.ones((4, 2), dtype=np.float32)
    np.testing.assert_allclose(nets[0](tm.from_numpy(x)).detach().numpy(),
                               nets[1](torch.from_numpy(x)).detach().numpy(), rtol=1e-6)


def test_distributed_data_parallel_needs_a_process_group():
    messages = []
    for m in both():
        with pytest.raises(ValueError) as e:
            m.nn.parallel.DistributedDataParallel(m.nn.Linear(2, 2))
        messages.append(str(e.value))
    assert messages[0] == messages[1]


VERSION_CASES = ["1.8", "1.10", "2", "2.0.0", "2.13", "2.13.0", "2.13.1", "2.14.0a0",
                 "2.13.0rc1", "2.13.0.dev20250101", "2.13.0.post1", "3.0", "parrot",
                 (1, 10), (2, 13), (2, 13, 0), (2, 14)]


@pytest.mark.parametrize("other", VERSION_CASES, ids=[str(c) for c in VERSION_CASES])
def test_torch_version_compares_as_pytorch_2_13(other):
    _, torch = both()
    ours = tm.__version__
    theirs = torch.torch_version.TorchVersion("2.13.0")
    for op in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__"):
        assert getattr(ours, op)(other) == getattr(theirs, op)(other), (op, other)
    assert isinstance(ours, str) and ours.startswith("2.13.0+taimatsu.")


def test_torch_version_module_and_the_release():
    import importlib.metadata
    assert tm.version.__version__ is tm.__version__
    assert tm.version.cuda is None and tm.version.hip is None
    assert tm.version.release == importlib.metadata.version("taimatsu")
    assert tm.__version__.split("+")[1] == f"taimatsu.{tm.version.release}"
    assert tm.torch_version.TorchVersion("1.10.0a") > (1, 2, 1)


SHIFTS = [
    ("left", lambda m, x, s: x << s), ("right", lambda m, x, s: x >> s),
    ("left fn", lambda m, x, s: m.bitwise_left_shift(x, s)),
    ("right fn", lambda m, x, s: m.bitwise_right_shift(x, s)),
    ("left method", lambda m, x, s: x.bitwise_left_shift(s)),
    ("number << t", lambda m, x, s: 3 << x.clamp(0, 6)),
    ("number >> t", lambda m, x, s: 100 >> x.clamp(0, 6)),
]


@pytest.mark.parametrize("name,fn", SHIFTS, ids=[n for n, _ in SHIFTS])
@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8", "int32"])
def test_shifts_as_torch(name, fn, dtype):
    outs = []
    for m in both():
        x = m.tensor([1, 2, 100, 5, 7], dtype=getattr(m, dtype))
        s = m.tensor([0, 1, 3, 7, 2], dtype=getattr(m, dtype))
        outs.append((fn(m, x, s), fn(m, x, 2)))
    for ours, theirs in zip(*outs):
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_shifts_in_place_of_bools_and_refusals_as_torch():
    results = []
    for m in both():
        x = m.tensor([1, -2, 40])
        x <<= 2
        y = m.tensor([1, -2, 40])
        y >>= 1
        results.append((x.tolist(), y.tolist(), (m.tensor([True]) << 1).tolist(),
                        str((m.tensor([True]) << 1).dtype)))
        with pytest.raises(NotImplementedError, match='"lshift_cpu" not implemented for '
                                                     "'Float'"):
            m.tensor([1.0]) << 1
        with pytest.raises(NotImplementedError, match='"rshift_cpu"'):
            m.tensor([1, 2]) >> 1.5
    assert results[0] == results[1]


def _grad_of(m, fn, values):
    x = m.tensor(values, requires_grad=True)
    fn(m, x).sum().backward()
    return x.grad


def _pow_grads(m):
    x = m.tensor(0.0, requires_grad=True)
    y = m.tensor(0.0, requires_grad=True)
    (x ** y).backward()
    return m.stack([x.grad, y.grad])


VALUES = [
    ("acosh grad outside its domain", lambda m: _grad_of(m, lambda m, x: x.acosh(),
                                                         [-1.5, -1.5, 2.0])),
    ("x ** y grad at 0, 0", _pow_grads),
    ("linspace of one step", lambda m: m.linspace(5, 10, 1)),
    ("logcumsumexp far apart", lambda m: m.logcumsumexp(m.tensor([0.0, 100.0, -50.0]), 0)),
    ("logcumsumexp grad", lambda m: _grad_of(
        m, lambda m, x: m.logcumsumexp(x, 1) * m.tensor([1.0, -2.0, 0.5]),
        [[0.0, 100.0, -3.0], [1.0, 2.0, 3.0]])),
]


@pytest.mark.parametrize("name,fn", VALUES, ids=[v[0] for v in VALUES])
def test_values_that_differed_from_torch(name, fn):
    ours, theirs = (fn(m) for m in both())
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-6,
                               atol=1e-6)


def test_normalize_p0_and_moments_of_nothing_as_torch():
    for fn in (lambda m: m.nn.functional.normalize(m.tensor([[1.0, 0.0, -2.0]]), p=0),
               lambda m: m.nn.functional.normalize(m.tensor([[1.0, 0.0, -2.0]]),
                                                   p=float("inf")),
               lambda m: m.stack(list(m.std_mean(m.ones(2, 0), 1))),
               lambda m: m.stack(list(m.var_mean(m.ones(0), 0)))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours, theirs = (fn(m) for m in both())
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


REFUSED = [
    ("uint8 overflow", lambda m: m.tensor([300], dtype=m.uint8)),
    ("int8 overflow", lambda m: m.tensor([-129], dtype=m.int8)),
    ("float into uint8", lambda m: m.tensor([1.5, 300.0], dtype=m.uint8)),
    ("beyond int64", lambda m: m.tensor([2 ** 63])),
    ("far beyond int64", lambda m: m.tensor([2 ** 64])),
    ("scalar beyond int64", lambda m: m.tensor(2 ** 63)),
    ("mse of integers", lambda m: m.nn.functional.mse_loss(m.tensor([1, 2]),
                                                           m.tensor([1, 3]))),
    ("pool larger than its input", lambda m: m.nn.functional.max_pool2d(
        m.ones(1, 1, 2, 2), 3)),
    ("1-d pool larger than its input", lambda m: m.nn.functional.max_pool1d(
        m.ones(1, 1, 2), 3)),
    ("avg pool larger than its input", lambda m: m.nn.functional.avg_pool2d(
        m.ones(1, 2, 2), 3)),
    ("full of a string", lambda m: m.full((2,), "a")),
    ("full of None", lambda m: m.full((2,), None)),
    ("allocation beyond memory", lambda m: m.empty(10 ** 13)),
    ("sizes beyond 64 bits", lambda m: m.zeros(2 ** 40, 2 ** 30)),
    ("samples beyond 64 bits", lambda m: m.randn(2 ** 40, 2 ** 30)),
    ("integers beyond 64 bits", lambda m: m.randint(0, 5, (2 ** 62, 4))),
]


@pytest.mark.parametrize("name,fn", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_as_torch(name, fn):
    errors = []
    for m in both():
        with pytest.raises(Exception) as info:
            fn(m)
        errors.append(info.value)
    ours, theirs = errors
    assert type(ours) is type(theirs), (ours, theirs)
    assert str(ours).split(" (Triggered")[0] == str(theirs).split(" (Triggered")[0]


def test_a_uint8_tensor_takes_negatives_as_torch():
    ours, theirs = (m.tensor([-1, -255, 255], dtype=m.uint8).tolist() for m in both())
    assert ours == theirs


HALF_REDUCTIONS = [
    ("mean", lambda m: m.full((10000,), 10.0, dtype=m.float16).mean()),
    ("sum", lambda m: (m.arange(3000, dtype=m.float16) / 7).sum()),
    ("sum dim", lambda m: (m.arange(3000, dtype=m.float16) / 7).reshape(30, 100).sum(1)),
    ("cumsum", lambda m: m.ones(3000, dtype=m.float16).cumsum(0)),
    ("mean dim", lambda m: (m.arange(600, dtype=m.float16) / 3).reshape(6, 100).mean(1)),
    ("norm", lambda m: m.full((10000,), 10.0, dtype=m.float16).norm()),
    ("norm dim p=3", lambda m: (m.arange(600, dtype=m.float16) / 3).reshape(6, 100).norm(
        3, 1)),
    ("var", lambda m: m.arange(3000, dtype=m.float16).var()),
    ("std_mean dim", lambda m: m.stack(list(m.std_mean(
        (m.arange(600, dtype=m.float16) / 3).reshape(6, 100), 1)))),
]


@pytest.mark.parametrize("name,fn", HALF_REDUCTIONS, ids=[h[0] for h in HALF_REDUCTIONS])
def test_half_floats_accumulate_in_float32_as_torch(name, fn):
    ours, theirs = (fn(m) for m in both())
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_grouped_query_attention_as_torch():
    rng = np.random.default_rng(3)
    q, k, v = rng.standard_normal((2, 4, 5, 8)), rng.standard_normal((2, 2, 5, 8)), \
        rng.standard_normal((2, 2, 5, 8))
    outs = []
    for m in both():
        args = [m.tensor(a, requires_grad=True) for a in (q, k, v)]
        out = m.nn.functional.scaled_dot_product_attention(*args, is_causal=True,
                                                           enable_gqa=True)
        out.sum().backward()
        outs.append([out] + [a.grad for a in args])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-10,
                                   atol=1e-12)


PADS = [((3, 3), "circular"), ((4, 0), "circular"), ((-1, 2), "reflect"),
        ((-1, -1), "replicate"), ((-1, 2), "circular"), ((2, -1), "replicate"),
        ((1, -2), "reflect")]


@pytest.mark.parametrize("pad,mode", PADS, ids=[f"{m}{p}" for p, m in PADS])
def test_pads_that_crop_or_wrap_as_torch(pad, mode):
    results = []
    for m in both():
        x = m.arange(3.0).reshape(1, 1, 3).requires_grad_()
        try:
            y = m.nn.functional.pad(x, pad, mode=mode)
            (y * m.arange(1.0, y.shape[-1] + 1)).sum().backward()
            results.append((y.tolist(), x.grad.tolist()))
        except RuntimeError as e:
            results.append(str(e))
    assert results[0] == results[1]


def test_set_num_threads_drives_the_blas_pool():
    from threadpoolctl import threadpool_info
    before = tm.get_num_threads()
    try:
        tm.set_num_threads(1)
        assert tm.get_num_threads() == 1
        assert all(p["num_threads"] == 1 for p in threadpool_info()
                   if p.get("user_api") == "blas")
    finally:
        tm.set_num_threads(before)
    for m in both():
        with pytest.raises(RuntimeError, match="set_num_threads expects a positive integer"):
            m.set_num_threads(0)
