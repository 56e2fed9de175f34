"""Random numbers must be torch's, bit for bit: same seed, same calls, same values."""
import time

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import taimatsu
from taimatsu import _generator as G
from taimatsu import random as trandom
from taimatsu._ops import random as R
from taimatsu._tensor import _wrap

SEEDS = [0, 1, 42, 2**32 + 7]
SIZES = [1, 5, 15, 16, 17, 100, 1000]
FLOATS = [("float32", torch.float32), ("float64", torch.float64), ("float16", torch.float16)]
DT = {name: getattr(taimatsu._dtype, name if name != "bool" else "bool_")
      for name in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                   "bool")}
TORCH_DT = {name: getattr(torch, name) for name in DT}


def pair(seed):
    """A torch generator and ours, seeded alike."""
    return torch.Generator().manual_seed(seed), G.Generator().manual_seed(seed)


def same(ours, theirs):
    """Exact equality of values and dtype (nan == nan)."""
    a = ours._data if hasattr(ours, "_data") else np.asarray(ours)
    b = theirs.detach().numpy()
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    assert a.shape == b.shape, (a.shape, b.shape)
    if a.dtype.kind == "f":
        np.testing.assert_array_equal(a, b)
    else:
        assert np.array_equal(a, b), (a.ravel()[:8], b.ravel()[:8])


def same_state(tg, mg):
    np.testing.assert_array_equal(mg.get_state_array(), tg.get_state().numpy())


def empty(shape, name):
    return _wrap(np.empty(shape, DT[name]._np))


# ------------------------------------------------------------------------- generator
def test_default_seed_and_state_layout():
    tg, mg = torch.Generator(), G.Generator()
    assert mg.initial_seed() == tg.initial_seed() == G.DEFAULT_RNG_SEED
    same_state(tg, mg)
    assert mg.get_state_array().shape == (5056,)


@pytest.mark.parametrize("seed", [0, 7, -1, 2**64 - 1, -(2**63), 2**40 + 5])
def test_manual_seed_values(seed):
    tg, mg = pair(seed)
    assert mg.initial_seed() == tg.initial_seed()
    same_state(tg, mg)
    assert mg.manual_seed(3) is mg


@pytest.mark.parametrize("bad", [2**64, -(2**63) - 1, 3.0, True, "3"])
def test_manual_seed_errors(bad):
    with pytest.raises(Exception) as theirs:
        torch.Generator().manual_seed(bad)
    with pytest.raises(type(theirs.value), match=None) as ours:
        G.Generator().manual_seed(bad)
    assert str(ours.value) == str(theirs.value)


def test_module_manual_seed_takes_anything_int_takes():
    gen = trandom.manual_seed("12")
    assert gen is G.default_generator
    assert trandom.initial_seed() == 12
    trandom.manual_seed(3.7)
    assert trandom.initial_seed() == 3


def test_seed_is_nondeterministic_and_recorded():
    g = G.Generator()
    s = g.seed()
    assert g.initial_seed() == s
    assert G.Generator().seed() != s


@pytest.mark.parametrize("draws", [0, 3, 623, 624, 625, 1250])
def test_state_matches_torch_after_draws(draws):
    tg, mg = pair(11)
    torch.randint(0, 100, (draws,), generator=tg)
    R.randint(0, 100, (draws,), generator=mg)
    same_state(tg, mg)
    torch.randn(3, generator=tg)
    R.randn(3, generator=mg)  # leaves a cached normal in the state
    same_state(tg, mg)


def test_state_from_torch_loads_and_continues():
    tg = torch.Generator().manual_seed(5)
    torch.randn(7, generator=tg)  # odd count: a cached normal travels in the state
    mg = G.Generator()
    mg.set_state_array(tg.get_state().numpy())
    same(R.randn(9, generator=mg), torch.randn(9, generator=tg))
    same(R.rand(20, generator=mg), torch.rand(20, generator=tg))
    # and back again
    tg2 = torch.Generator()
    tg2.set_state(torch.from_numpy(mg.get_state_array().copy()))
    same(R.randn(1000, generator=mg), torch.randn(1000, generator=tg2))


def test_tensor_state_round_trip_and_errors():
    g = G.Generator().manual_seed(9)
    state = g.get_state()
    first = R.rand(5, generator=g)._data.copy()
    g.set_state(state)
    np.testing.assert_array_equal(R.rand(5, generator=g)._data, first)
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056"):
        g.set_state_array(np.zeros(10, np.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        g.set_state_array(np.zeros(5056, np.uint8))


def test_rng_state_functions_and_fork_rng():
    trandom.manual_seed(1)
    state = trandom.get_rng_state()
    a = R.rand(4)._data.copy()
    trandom.set_rng_state(state)
    np.testing.assert_array_equal(R.rand(4)._data, a)
    trandom.manual_seed(2)
    with trandom.fork_rng():
        R.randn(100)
        trandom.manual_seed(99)
    torch.manual_seed(2)
    same(R.rand(3), torch.rand(3))


# ------------------------------------------------------------------------- uniform
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,tdt", FLOATS)
def test_rand(seed, name, tdt):
    tg, mg = pair(seed)
    for n in SIZES:
        same(R.rand(n, dtype=DT[name], generator=mg), torch.rand(n, dtype=tdt, generator=tg))
    same(R.rand(2, 3, 4, dtype=DT[name], generator=mg),
         torch.rand(2, 3, 4, dtype=tdt, generator=tg))
    same_state(tg, mg)


@pytest.mark.parametrize("name,tdt", FLOATS)
@pytest.mark.parametrize("low,high", [(-2, 3), (0.5, 0.75), (-1e-3, 1e4), (5, 5)])
def test_uniform_(name, tdt, low, high):
    tg, mg = pair(3)
    for n in SIZES:
        same(R.uniform_(empty(n, name), low, high, generator=mg),
             torch.empty(n, dtype=tdt).uniform_(low, high, generator=tg))


def test_uniform_on_transposed_tensor_fills_memory_order():
    tg, mg = pair(4)
    ours = _wrap(np.empty((5, 3), np.float32).T)
    theirs = torch.empty(5, 3).t()
    same(R.uniform_(ours, generator=mg), theirs.uniform_(generator=tg))


# ------------------------------------------------------------------------- normal
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,tdt", FLOATS)
def test_randn(seed, name, tdt):
    tg, mg = pair(seed)
    for n in SIZES + SIZES[::-1]:  # the small path caches a sample between calls
        same(R.randn(n, dtype=DT[name], generator=mg), torch.randn(n, dtype=tdt, generator=tg))
    same_state(tg, mg)


@pytest.mark.parametrize("name,tdt", FLOATS)
@pytest.mark.parametrize("mean,std", [(1.5, 2.5), (-3.0, 0.1), (0.0, 0.0)])
def test_normal_(name, tdt, mean, std):
    tg, mg = pair(8)
    for n in SIZES:
        same(R.normal_(empty(n, name), mean, std, generator=mg),
             torch.empty(n, dtype=tdt).normal_(mean, std, generator=tg))


def test_normal_non_contiguous_uses_the_serial_path():
    tg, mg = pair(12)
    ours = _wrap(np.empty((40, 4), np.float32).T)
    theirs = torch.empty(40, 4).t()
    same(R.normal_(ours, generator=mg), theirs.normal_(generator=tg))
    same_state(tg, mg)


def test_randn_large():
    tg, mg = pair(2024)
    same(R.randn(1000, 1000, generator=mg), torch.randn(1000, 1000, generator=tg))


def same_bits(ours, theirs):
    """Equal bit for bit: a zero's sign counts."""
    a, b = ours._data, theirs.numpy()
    assert (a.dtype, a.shape) == (b.dtype, b.shape)
    kind = f"u{a.itemsize}"
    np.testing.assert_array_equal(a.view(kind), b.view(kind))


# the float kernel works on blocks of rows of 16: these span several, ragged ends too
BIG_SIZES = [16 * G._BLOCK_ROWS * 2 + 87, 16 * G._BLOCK_ROWS + 16, 16 * G._BLOCK_ROWS * 3 - 1]


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("name,tdt", [FLOATS[0], FLOATS[2]])
def test_randn_many_blocks_bit_for_bit(seed, name, tdt):
    tg, mg = pair(seed)
    for n in BIG_SIZES:
        same_bits(R.randn(n, dtype=DT[name], generator=mg),
                  torch.randn(n, dtype=tdt, generator=tg))
    same_state(tg, mg)
    same(R.randn(5, generator=mg), torch.randn(5, generator=tg))


@pytest.mark.parametrize("mean,std", [(0.5, 2.0), (0.0, 0.02), (3.0, 1.0), (-0.0, 1.0),
                                      (-2.0, 0.0), (1e-3, 1.0 + 1e-9)])
def test_normal_large_mean_std_bit_for_bit(mean, std):
    tg, mg = pair(5)
    n = BIG_SIZES[0]
    same_bits(R.normal_(empty(n, "float32"), mean, std, generator=mg),
              torch.empty(n).normal_(mean, std, generator=tg))
    same_state(tg, mg)


# (seed, row): a uniform of exactly 0 in lanes 0-7 of that row gives a zero radius, whose
# zeros the kernel's final fma with mean +0.0 turns positive
ZERO_RADIUS = [(12, 25706), (34, 18655)]


@pytest.mark.parametrize("seed,row", ZERO_RADIUS)
@pytest.mark.parametrize("mean", [0.0, -0.0, 1.0])
def test_normal_zero_radius_keeps_torch_zero_signs(seed, row, mean):
    tg, mg = pair(seed)
    n = 16 * (row + 1)
    theirs = torch.empty(n).normal_(mean, 1.0, generator=tg)
    assert (theirs[-16:] == mean).sum() >= 2
    same_bits(R.normal_(empty(n, "float32"), mean, 1.0, generator=mg), theirs)


@pytest.mark.parametrize("helpers", [0, 3])
def test_randn_threads_share_blocks_in_order(monkeypatch, helpers):
    # whatever the machine's cores: no helper thread, or three
    monkeypatch.setattr(G, "_helper_threads", lambda blocks: helpers)
    tg, mg = pair(9)
    n = 16 * G._THREAD_BLOCK_ROWS * 3 + 9
    same_bits(R.randn(n, generator=mg), torch.randn(n, generator=tg))
    same_state(tg, mg)


def test_randn_large_is_fast():
    g = G.Generator()
    R.randn(1000, 1000, generator=g)
    start = time.perf_counter()
    R.randn(1000, 1000, generator=g)
    # about 40 ms here; the bound leaves room for a slow machine
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("name,tdt", FLOATS[:2])
def test_normal_overloads(name, tdt):
    tg, mg = pair(6)
    mean_t = torch.linspace(-3, 3, 20, dtype=tdt)
    std_t = torch.linspace(0, 2, 20, dtype=tdt)
    mean_o, std_o = _wrap(mean_t.numpy().copy()), _wrap(std_t.numpy().copy())
    same(R.normal(mean_o, std_o, generator=mg), torch.normal(mean_t, std_t, generator=tg))
    same(R.normal(mean_o, 2.0, generator=mg), torch.normal(mean_t, 2.0, generator=tg))
    same(R.normal(1.5, std_o, generator=mg), torch.normal(1.5, std_t, generator=tg))
    same(R.normal(1.5, 0.5, (3, 7), dtype=DT[name], generator=mg),
         torch.normal(1.5, 0.5, (3, 7), dtype=tdt, generator=tg))
    small_t, small_o = mean_t[:3], mean_o._data[:3]
    same(R.normal(_wrap(small_o), 1.0, generator=mg), torch.normal(small_t, 1.0, generator=tg))
    same_state(tg, mg)


# ----------------------------------------------------------------------- integers
INT_CASES = [
    ("int64", [(0, 2), (-5, 7), (0, 2**28), (-(2**40), 2**41), (3, None), (-(2**63), None)]),
    ("int32", [(0, 2), (-5, 7), (0, 2**30), (0, None), (-(2**31), 2**31 - 1)]),
    ("int16", [(0, 2), (-300, 7), (0, None)]),
    ("int8", [(0, 2), (-100, 100), (0, None)]),
    ("uint8", [(0, 2), (3, 200), (0, None)]),
    ("bool", [(0, 2), (0, None)]),
    ("float32", [(0, 2), (-5, 7), (0, 2**28), (-(2**40), 2**41), (0, None)]),
    ("float64", [(0, 2), (-(2**40), 2**41), (0, None), (-(2**63), None)]),
    ("float16", [(0, 2), (-5, 7), (0, None)]),
]


@pytest.mark.parametrize("name,bounds", INT_CASES)
def test_random_from_to(name, bounds):
    tg, mg = pair(21)
    for n in SIZES:
        for low, high in bounds:
            same(R.random_(empty(n, name), low, high, generator=mg),
                 torch.empty(n, dtype=TORCH_DT[name]).random_(low, high, generator=tg))
        same(R.random_(empty(n, name), generator=mg),
             torch.empty(n, dtype=TORCH_DT[name]).random_(generator=tg))
        same(R.random_(empty(n, name), 2, generator=mg),
             torch.empty(n, dtype=TORCH_DT[name]).random_(2, generator=tg))
    same_state(tg, mg)


@pytest.mark.parametrize("seed", SEEDS)
def test_randint(seed):
    tg, mg = pair(seed)
    same(R.randint(10, (5,), generator=mg), torch.randint(10, (5,), generator=tg))
    same(R.randint(-3, 10, (4, 5), generator=mg), torch.randint(-3, 10, (4, 5), generator=tg))
    same(R.randint(0, 2**40, (7,), generator=mg), torch.randint(0, 2**40, (7,), generator=tg))
    same(R.randint(low=2, high=9, size=(3,), dtype=DT["float32"], generator=mg),
         torch.randint(low=2, high=9, size=(3,), dtype=torch.float32, generator=tg))
    same(R.randint(5, size=(3,), dtype=DT["int8"], generator=mg),
         torch.randint(5, size=(3,), dtype=torch.int8, generator=tg))


@pytest.mark.parametrize("n", [0, 1, 2, 5, 17, 100, 1000, 5000])
@pytest.mark.parametrize("name", ["int64", "int32", "float32", "float16"])
def test_randperm(n, name):
    if name == "float16" and n > 2049:
        pytest.skip("beyond float16's exact integers")
    tg, mg = pair(n + 1)
    same(R.randperm(n, dtype=DT[name], generator=mg),
         torch.randperm(n, dtype=TORCH_DT[name], generator=tg))
    same_state(tg, mg)


# ------------------------------------------------------------------ other samplers
@pytest.mark.parametrize("name,tdt", FLOATS)
def test_bernoulli(name, tdt):
    tg, mg = pair(31)
    for n in SIZES:
        same(R.bernoulli_(empty(n, name), 0.3, generator=mg),
             torch.empty(n, dtype=tdt).bernoulli_(0.3, generator=tg))
        p_t = torch.rand(n, dtype=tdt)
        p_o = _wrap(p_t.numpy().copy())
        same(R.bernoulli(p_o, generator=mg), torch.bernoulli(p_t, generator=tg))
        same(R.bernoulli(p_o, 0.7, generator=mg), torch.bernoulli(p_t, 0.7, generator=tg))
    p_t = torch.rand(4, 3, dtype=tdt)
    same(R.bernoulli_(empty((2, 4, 3), "int64"), _wrap(p_t.numpy().copy()), generator=mg),
         torch.empty(2, 4, 3, dtype=torch.int64).bernoulli_(p_t, generator=tg))


@pytest.mark.parametrize("name,tdt", FLOATS)
def test_exponential_cauchy_log_normal_geometric(name, tdt):
    tg, mg = pair(41)
    for n in SIZES:
        same(R.exponential_(empty(n, name), 1.7, generator=mg),
             torch.empty(n, dtype=tdt).exponential_(1.7, generator=tg))
        same(R.cauchy_(empty(n, name), 0.3, 2.0, generator=mg),
             torch.empty(n, dtype=tdt).cauchy_(0.3, 2.0, generator=tg))
        same(R.log_normal_(empty(n, name), 0.3, 0.5, generator=mg),
             torch.empty(n, dtype=tdt).log_normal_(0.3, 0.5, generator=tg))
        same(R.geometric_(empty(n, name), 0.3, generator=mg),
             torch.empty(n, dtype=tdt).geometric_(0.3, generator=tg))
    same(R.geometric_(empty(50, "int64"), 0.2, generator=mg),
         torch.empty(50, dtype=torch.int64).geometric_(0.2, generator=tg))
    same_state(tg, mg)


@pytest.mark.parametrize("name,tdt", FLOATS[:2])
@pytest.mark.parametrize("replacement", [True, False])
@pytest.mark.parametrize("k", [1, 2, 4])
def test_multinomial(name, tdt, replacement, k):
    tg, mg = pair(51)
    probs = torch.rand(3, 7, dtype=tdt) * torch.tensor([1, 0, 1, 1, 0, 2, 1], dtype=tdt)
    ours = _wrap(probs.numpy().copy())
    same(R.multinomial(ours, k, replacement, generator=mg),
         torch.multinomial(probs, k, replacement, generator=tg))
    same(R.multinomial(_wrap(ours._data[0]), k, replacement, generator=mg),
         torch.multinomial(probs[0], k, replacement, generator=tg))
    same_state(tg, mg)


@pytest.mark.parametrize("name,tdt", FLOATS[:2])
def test_poisson(name, tdt):
    tg, mg = pair(61)
    rates = torch.tensor([0, 0.5, 3, 9.9, 10, 15, 100, 1e4] * 3, dtype=tdt)
    same(R.poisson(_wrap(rates.numpy().copy()), generator=mg),
         torch.poisson(rates, generator=tg))
    same_state(tg, mg)


def test_like_factories_keep_layout_and_values():
    tg, mg = pair(71)
    base_t = torch.empty(20, 3).t()
    base_o = _wrap(np.empty((20, 3), np.float32).T)
    for ours_fn, torch_fn in ((R.rand_like, torch.rand_like), (R.randn_like, torch.randn_like)):
        ours, theirs = ours_fn(base_o, generator=mg), torch_fn(base_t, generator=tg)
        same(ours, theirs)
        assert ours.stride() == theirs.stride()
    same(R.randint_like(base_o, 3, 9, generator=mg), torch.randint_like(base_t, 3, 9, generator=tg))
    same(R.randint_like(base_o, 9, generator=mg), torch.randint_like(base_t, 9, generator=tg))
    same(R.randn_like(_wrap(np.empty((4, 5))), generator=mg),
         torch.randn_like(torch.empty(4, 5, dtype=torch.float64), generator=tg))


def test_factory_options():
    x = R.rand(2, 3, requires_grad=True)
    assert x.requires_grad and x.shape == (2, 3)
    assert R.randn((4,), dtype=DT["float64"])._data.dtype == np.float64
    assert R.rand([])._data.shape == ()
    out = _wrap(np.empty(6, np.float32))
    assert R.randn(6, out=out) is out
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        R.rand(2, device="cuda")
    R.rand(2, device="cpu")


def test_default_generator_follows_torch_manual_seed():
    for seed in (0, 123):
        torch.manual_seed(seed)
        trandom.manual_seed(seed)
        same(R.rand(3), torch.rand(3))
        same(R.randn(20), torch.randn(20))
        same(R.randint(0, 10, (6,)), torch.randint(0, 10, (6,)))
        same(R.randperm(10), torch.randperm(10))
        np.testing.assert_array_equal(trandom.get_rng_state()._data,
                                      torch.get_rng_state().numpy())


# --------------------------------------------------------------------------- errors
def _t(values, dtype=np.float32):
    return _wrap(np.array(values, dtype))


ERRORS = [
    (lambda: R.randint(5, 3, (2,)), lambda: torch.randint(5, 3, (2,))),
    (lambda: R.randperm(-1), lambda: torch.randperm(-1)),
    (lambda: R.randperm(3000, dtype=DT["float16"]),
     lambda: torch.randperm(3000, dtype=torch.float16)),
    (lambda: R.rand(2, dtype=DT["int64"]), lambda: torch.rand(2, dtype=torch.int64)),
    (lambda: R.randn(2, dtype=DT["bool"]), lambda: torch.randn(2, dtype=torch.bool)),
    (lambda: R.normal(_t([0.0]), -1.0), lambda: torch.normal(torch.zeros(1), -1.0)),
    (lambda: R.normal(_t([0.0, 0.0]), _t([1.0, -1.0])),
     lambda: torch.normal(torch.zeros(2), torch.tensor([1.0, -1.0]))),
    (lambda: R.normal_(empty(3, "float32"), 0, -1), lambda: torch.empty(3).normal_(0, -1)),
    (lambda: R.bernoulli(_t([0.5, 1.5])), lambda: torch.bernoulli(torch.tensor([0.5, 1.5]))),
    (lambda: R.bernoulli_(empty(3, "float32"), 1.5), lambda: torch.empty(3).bernoulli_(1.5)),
    (lambda: R.multinomial(_t([0.5, -1.0]), 1), lambda: torch.multinomial(
        torch.tensor([0.5, -1.0]), 1)),
    (lambda: R.multinomial(_t([0.5, -1.0]), 2, True), lambda: torch.multinomial(
        torch.tensor([0.5, -1.0]), 2, True)),
    (lambda: R.multinomial(_t([0.5, 1.0]), 3), lambda: torch.multinomial(
        torch.tensor([0.5, 1.0]), 3)),
    (lambda: R.multinomial(_t([0.0, 0.0]), 2, True), lambda: torch.multinomial(
        torch.tensor([0.0, 0.0]), 2, True)),
    (lambda: R.multinomial(_t([0.0, 0.0]), 1), lambda: torch.multinomial(
        torch.tensor([0.0, 0.0]), 1)),
    (lambda: R.multinomial(_t([1.0, 0.0]), 0), lambda: torch.multinomial(
        torch.tensor([1.0, 0.0]), 0)),
    (lambda: R.multinomial(_t([1, 2], np.int64), 1, True), lambda: torch.multinomial(
        torch.tensor([1, 2]), 1, True)),
    (lambda: R.multinomial(_t(np.ones((2, 2, 2))), 1), lambda: torch.multinomial(
        torch.ones(2, 2, 2), 1)),
    (lambda: R.exponential_(empty(3, "float32"), -1), lambda: torch.empty(3).exponential_(-1)),
    (lambda: R.exponential_(empty(3, "int64"), 1),
     lambda: torch.empty(3, dtype=torch.int64).exponential_(1)),
    (lambda: R.geometric_(empty(3, "float32"), 1.5), lambda: torch.empty(3).geometric_(1.5)),
    (lambda: R.log_normal_(empty(3, "float32"), 0, -1),
     lambda: torch.empty(3).log_normal_(0, -1)),
    (lambda: R.cauchy_(empty(3, "float32"), 0, -1), lambda: torch.empty(3).cauchy_(0, -1)),
    (lambda: R.uniform_(empty(3, "float32"), 2, 1), lambda: torch.empty(3).uniform_(2, 1)),
    (lambda: R.uniform_(empty(3, "int64"), 0, 1),
     lambda: torch.empty(3, dtype=torch.int64).uniform_(0, 1)),
    (lambda: R.poisson(_t([-1.0])), lambda: torch.poisson(torch.tensor([-1.0]))),
    (lambda: R.random_(empty(3, "int8"), 0, 1000),
     lambda: torch.empty(3, dtype=torch.int8).random_(0, 1000)),
]


@pytest.mark.parametrize("ours,theirs", ERRORS)
def test_errors_match_torch(ours, theirs):
    with pytest.raises(Exception) as expected:
        theirs()
    with pytest.raises(type(expected.value)) as got:
        ours()
    assert str(got.value) == str(expected.value).split("\n")[0]


def test_inplace_on_leaf_requiring_grad_is_refused():
    x = R.rand(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        R.uniform_(x)


# ------------------------------------------------------------------ autograd through samples
tm = taimatsu
IN_PLACE_SAMPLERS = [
    lambda m, y: y.uniform_(), lambda m, y: y.normal_(2.0, 0.5), lambda m, y: y.bernoulli_(),
    lambda m, y: y.random_(), lambda m, y: y.random_(5), lambda m, y: y.random_(1, 5),
    lambda m, y: y.random_(to=5), lambda m, y: y.exponential_(),
    lambda m, y: y.cauchy_(), lambda m, y: y.log_normal_(), lambda m, y: y.geometric_(0.5),
    lambda m, y: y.bernoulli_(m.full((2, 1), 0.25, requires_grad=True)),
]


@pytest.mark.parametrize("sample", IN_PLACE_SAMPLERS)
@pytest.mark.parametrize("view", [False, True], ids=["tensor", "view"])
def test_in_place_samplers_record_zero_gradients(sample, view):
    """A tensor resampled in place no longer depends on its old value: torch records a
    node (UniformBackward0 ...) whose gradient is zero, and the values are the same
    draws as without a graph."""
    def run(m):
        m.manual_seed(3)
        leaf = m.ones(2, 3, requires_grad=True)
        y = leaf * 1
        z = sample(m, y[:, 1:] if view else y)
        (y * 3).sum().backward()
        return z.grad_fn.name(), y.grad_fn.name(), z.tolist(), leaf.grad.tolist(), y._version
    ours, theirs = run(tm), run(torch)
    assert ours == theirs


@pytest.mark.parametrize("fn", [
    lambda m, a, b: m.normal(a, b), lambda m, a, b: m.normal(a, 0.5),
    lambda m, a, b: m.normal(1.0, b), lambda m, a, b: m.bernoulli(a.sigmoid()),
    lambda m, a, b: m.poisson(b),
])
def test_sampling_functions_record_zero_gradients(fn):
    def run(m):
        m.manual_seed(5)
        a = m.zeros(4, requires_grad=True)
        b = m.full((4,), 2.0, requires_grad=True)
        z = fn(m, a, b)
        (z * z).sum().backward()
        grads = [None if t.grad is None else t.grad.tolist() for t in (a, b)]
        return z.grad_fn.name(), z.tolist(), grads
    assert run(tm) == run(torch)


def test_bernoulli_with_float_p_has_no_derivative():
    from harness import check_error
    check_error(lambda m: m.bernoulli(m.full((3,), 0.5, requires_grad=True), 0.3).sum()
                .backward())
    p = tm.full((3,), 0.5, requires_grad=True)
    assert tm.bernoulli(p, 0.3).grad_fn.name() == "torch::autograd::NotImplemented"


def test_samplers_without_graph_record_nothing():
    x = tm.ones(3, requires_grad=True) * 1
    with tm.no_grad():
        x.uniform_()
    assert x.grad_fn.name() == "MulBackward0"
    assert tm.normal(tm.zeros(3), 1.0).grad_fn is None


@pytest.mark.parametrize("make", [lambda m: m.zeros(3, 1).expand(3, 4),
                                  lambda m: m.zeros(2, 3, 4).permute(2, 0, 1),
                                  lambda m: m.zeros(4, 6)[:, ::2]])
def test_like_samplers_lay_out_and_draw_as_torch(make):
    for name in ("rand_like", "randn_like"):
        results = []
        for m in (tm, torch):
            m.manual_seed(0)
            r = getattr(m, name)(make(m))
            results.append((r.stride(), r.tolist()))
        assert results[0] == results[1]
