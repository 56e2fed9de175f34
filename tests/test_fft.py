"""torch.fft against the PyTorch oracle: values, dtypes, first and second derivatives
(real and complex inputs, one-sided transforms), node names and errors."""
import subprocess
import sys

import numpy as np
import pytest
from harness import assert_same, check, check_error, noncontig, randint, randn

import taimatsu as tm

F32 = np.float32
NORMS = [None, "backward", "ortho", "forward"]


def crandn(*shape, dtype=np.complex128):
    return (randn(*shape) + 1j * randn(*shape)).astype(dtype)


def _weigh(m, t):
    """A complex result times fixed complex weights: with real seeds alone the harness
    would leave the imaginary parts of the gradients untested."""
    if not t.is_complex():
        return t
    rng = np.random.default_rng(len(t.shape) * 100 + t.numel())
    w = rng.standard_normal(tuple(t.shape)) + 1j * rng.standard_normal(tuple(t.shape))
    return t * m.tensor(w.astype(np.complex64 if t.dtype == m.complex64 else np.complex128))


def _call(name, **kwargs):
    return lambda m, x: _weigh(m, getattr(m.fft, name)(x, **kwargs))


# --- one-dimensional transforms ------------------------------------------------------------

ONE_DIM = [
    ("fft", {}), ("fft", {"n": 5}), ("fft", {"n": 9, "dim": 0}), ("ifft", {}),
    ("ifft", {"n": 4, "dim": 0}), ("ifft", {"n": 10}),
    ("rfft", {}), ("rfft", {"n": 5}), ("rfft", {"n": 11, "dim": 0}), ("rfft", {"dim": 0}),
    ("irfft", {}), ("irfft", {"n": 7}), ("irfft", {"n": 12}), ("irfft", {"n": 4, "dim": 0}),
    ("irfft", {"n": 1}), ("hfft", {}), ("hfft", {"n": 9}), ("hfft", {"n": 3, "dim": 0}),
    ("ihfft", {}), ("ihfft", {"n": 5}), ("ihfft", {"n": 10, "dim": 0}),
]


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name,kwargs", ONE_DIM)
def test_one_dim_real_input(name, kwargs, norm):
    check(_call(name, norm=norm, **kwargs), [randn(3, 8)])


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
@pytest.mark.parametrize("name,kwargs", [c for c in ONE_DIM if c[0] not in ("rfft", "ihfft")])
def test_one_dim_complex_input(name, kwargs, norm):
    check(_call(name, norm=norm, **kwargs), [crandn(3, 8)])


@pytest.mark.parametrize("name,kwargs", ONE_DIM)
def test_one_dim_float32(name, kwargs):
    x = crandn(3, 8, dtype=np.complex64) if name not in ("rfft", "ihfft") else randn(3, 8,
                                                                                    dtype=F32)
    check(_call(name, norm="ortho", **kwargs), [x])
    check(_call(name, **kwargs), [x.real.copy() if x.dtype.kind == "c" else x])


@pytest.mark.parametrize("name,kwargs", ONE_DIM[::2])
def test_one_dim_noncontiguous(name, kwargs):
    check(_call(name, **kwargs), [noncontig(randn(4, 8))])
    check(_call(name, **kwargs), [noncontig(crandn(8)) if name not in ("rfft", "ihfft")
                                  else noncontig(randn(8))])


@pytest.mark.parametrize("size", [1, 2, 5, 6])
def test_one_sided_sizes(size):
    """the Hermitian doubling of interior bins, odd and even lengths, the tiny ones"""
    check(_call("rfft"), [randn(2, size)])
    check(_call("irfft", n=size), [crandn(2, size // 2 + 1)])
    check(_call("hfft", n=size), [crandn(size // 2 + 1)])
    check(_call("ihfft"), [randn(size)])


def test_batched_3d_middle_dim():
    for name in ("fft", "ifft", "irfft", "hfft"):
        check(_call(name, dim=1), [crandn(2, 6, 3)])
    for name in ("rfft", "ihfft"):
        check(_call(name, dim=-2, n=7), [randn(2, 6, 3)])


# --- n-dimensional transforms --------------------------------------------------------------

N_DIM = [
    ("fft2", {}), ("fft2", {"s": (3, 7)}), ("ifft2", {"dim": (0, 2)}),
    ("fftn", {}), ("fftn", {"s": (5,)}), ("fftn", {"s": (2, -1), "dim": (2, 0)}),
    ("ifftn", {"dim": (1,)}), ("ifftn", {"s": (4, 3, 6)}),
    ("rfft2", {}), ("rfft2", {"s": (3, 5)}), ("rfftn", {"dim": (0, 2)}),
    ("rfftn", {"s": (7, 2), "dim": (2, 1)}),
    ("irfft2", {}), ("irfft2", {"s": (3, 5)}), ("irfftn", {"s": (-1, 9)}),
    ("irfftn", {"dim": (2, 0)}), ("irfftn", {"s": (4,), "dim": (1,)}),
    ("hfft2", {}), ("hfft2", {"s": (4, 7)}), ("hfftn", {"dim": (0, 1)}),
    ("hfftn", {"s": (5, 2), "dim": (2, 1)}),
    ("ihfft2", {}), ("ihfft2", {"s": (3, 5)}), ("ihfftn", {"dim": (2, 0)}),
    ("ihfftn", {"s": (6,)}),
]
REAL_ONLY = ("rfft2", "rfftn", "ihfft2", "ihfftn")


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
@pytest.mark.parametrize("name,kwargs", N_DIM)
def test_n_dim_real_input(name, kwargs, norm):
    check(_call(name, norm=norm, **kwargs), [randn(2, 4, 6)])


@pytest.mark.parametrize("name,kwargs", [c for c in N_DIM if c[0] not in REAL_ONLY])
def test_n_dim_complex_input(name, kwargs):
    check(_call(name, norm="backward", **kwargs), [crandn(2, 4, 6)])
    check(_call(name, **kwargs), [noncontig(crandn(3, 4, 5))])


@pytest.mark.parametrize("name,kwargs", N_DIM[::3])
def test_n_dim_float32(name, kwargs):
    x = randn(2, 4, 6, dtype=F32)
    check(_call(name, **kwargs), [x])
    if name not in REAL_ONLY:
        check(_call(name, norm="ortho", **kwargs), [crandn(2, 4, 6, dtype=np.complex64)])


def test_spectral_filter_round_trip():
    """a program's use: filter in the frequency domain, back to the signal, a real loss"""
    def filtered(m, x, w):
        spectrum = m.fft.rfft(x, norm="ortho") * w
        return (m.fft.irfft(spectrum, n=x.shape[-1], norm="ortho") ** 2).sum()
    check(filtered, [randn(3, 10), randn(6)])

    def power(m, x):
        s = m.fft.fftshift(m.fft.fft2(x))
        return (s * s.conj()).real
    check(power, [randn(4, 5)])


def test_fftn_no_dims_is_a_complex_copy():
    check(_call("fftn", dim=()), [randn(3, 2)])
    check(_call("ifftn"), [np.array(1.5)])


# --- graph, dtypes, out= -------------------------------------------------------------------

def _chain(t):
    names = []
    fn = t.grad_fn
    while fn is not None:
        names.append(type(fn).__name__)
        nxt = [f for f, _ in fn.next_functions if f is not None]
        fn = nxt[0] if nxt else None
    return names[:-1]  # the leaf's AccumulateGrad is named differently by torch


GRAPHS = [
    ("fft", {}, "r"), ("fft", {}, "c"), ("ifft", {}, "r"), ("fft", {"n": 9}, "r"),
    ("fft", {"n": 3}, "r"), ("rfft", {}, "r"), ("irfft", {}, "r"), ("irfft", {"n": 5}, "c"),
    ("hfft", {}, "c"), ("ihfft", {}, "r"), ("fftn", {}, "r"), ("fft2", {}, "c"),
    ("rfftn", {}, "r"), ("irfftn", {}, "c"), ("hfft2", {}, "r"), ("ihfftn", {}, "r"),
    ("ihfft2", {"s": (2, 9)}, "r"), ("fftshift", {}, "r"), ("ifftshift", {"dim": 1}, "c"),
]


@pytest.mark.parametrize("name,kwargs,kind", GRAPHS)
def test_node_names(oracle, name, kwargs, kind):
    a = randn(4, 6) if kind == "r" else crandn(4, 6)
    chains = []
    for m in (tm, oracle):
        x = m.tensor(a, requires_grad=True)
        chains.append(_chain(getattr(m.fft, name)(x, **kwargs)))
    assert chains[0] == chains[1]


@pytest.mark.parametrize("dtype,name", [(np.int64, "fft"), (np.bool_, "rfft"),
                                        (np.int32, "irfft"), (np.int64, "fftn"),
                                        (np.uint8, "ihfft2"), (np.int16, "hfftn")])
def test_integer_inputs_promote_to_default_float(dtype, name):
    a = randint(0, 5, 4, 6).astype(dtype)
    check(lambda m, x: getattr(m.fft, name)(x), [a], grad=False)
    tm.set_default_dtype(tm.float64)
    try:
        assert getattr(tm.fft, name)(tm.tensor(a)).dtype in (tm.complex128, tm.float64)
    finally:
        tm.set_default_dtype(tm.float32)


def test_out_argument():
    x, z = randn(3, 8), crandn(3, 8)
    check(lambda m, x: m.fft.fft(x, out=m.empty(0, dtype=m.complex128)), [x], grad=False)
    check(lambda m, x: m.fft.ifft(x, out=m.empty(2, dtype=m.complex128)), [x], grad=False)
    check(lambda m, z: m.fft.irfft(z, n=5, out=m.empty(0, dtype=m.float64)), [z], grad=False)
    check(lambda m, z: m.fft.hfftn(z, out=m.empty(0, dtype=m.float64)), [z], grad=False)
    check(lambda m, x: m.fft.ihfft2(x, out=m.empty(0, dtype=m.complex128)), [x], grad=False)
    check(lambda m, x: m.fft.rfft2(x, out=m.empty(0, dtype=m.complex128)), [x], grad=False)
    out = tm.empty(0, dtype=tm.complex128)
    assert tm.fft.fftn(tm.tensor(x), out=out) is out


# --- frequencies and shifts ----------------------------------------------------------------

@pytest.mark.parametrize("n,d", [(0, 1.0), (1, 1.0), (5, 0.1), (8, 2), (7, 0.3), (4, 0.0)])
def test_fftfreq(n, d):
    check(lambda m: m.fft.fftfreq(n, d), [], grad=False)
    check(lambda m: m.fft.rfftfreq(n, d), [], grad=False)
    check(lambda m: m.fft.fftfreq(n, d, dtype=m.float64), [], grad=False)
    check(lambda m: m.fft.rfftfreq(n, d, dtype=m.float64), [], grad=False)


def test_fftfreq_options():
    check(lambda m: m.fft.fftfreq(5, m.tensor(2.0)), [], grad=False)
    check(lambda m: m.fft.fftfreq(3, out=m.empty(0, dtype=m.float64)), [], grad=False)
    f = tm.fft.rfftfreq(6, 2, dtype=tm.float64, requires_grad=True)
    assert f.requires_grad and f.is_leaf


@pytest.mark.parametrize("dim", [None, 0, -1, (0, 1), [1]])
def test_shifts(dim):
    for name in ("fftshift", "ifftshift"):
        check(lambda m, x: getattr(m.fft, name)(x, dim=dim), [randn(5, 6)])
        check(lambda m, x: getattr(m.fft, name)(x, dim=dim), [randint(0, 9, 3, 4)])
    check(lambda m, x: m.fft.ifftshift(m.fft.fftshift(x, dim=dim), dim=dim), [crandn(3, 5)])


def test_shift_undoes_frequency_order():
    freqs = tm.fft.fftshift(tm.fft.fftfreq(6))
    assert_same(freqs, load_torch().fft.fftshift(load_torch().fft.fftfreq(6)))


def load_torch():
    from conftest import load_oracle
    return load_oracle()


# --- errors --------------------------------------------------------------------------------

X, Z = randn(4, 6).astype(F32), crandn(4, 6, dtype=np.complex64)
ERRORS = [
    (lambda m, x: m.fft.fft(x, dim=2), [X]),
    (lambda m, x: m.fft.fft(x, dim=-3), [X]),
    (lambda m, x: m.fft.fft(x, n=0), [X]),
    (lambda m, x: m.fft.ifft(x, n=-1), [X]),
    (lambda m, x: m.fft.fft(x, norm="bad"), [X]),
    (lambda m, x: m.fft.fft2(x, norm="Ortho"), [X]),
    (lambda m, x: m.fft.fft(x.half()), [X]),
    (lambda m, x: m.fft.rfft2(x.half()), [X]),
    (lambda m, x: m.fft.irfft(x.half()), [X]),
    (lambda m: m.fft.fft(m.tensor(1.0)), []),
    (lambda m, z: m.fft.rfft(z), [Z]),
    (lambda m, z: m.fft.ihfft(z), [Z]),
    (lambda m, z: m.fft.rfftn(z), [Z]),
    (lambda m, z: m.fft.ihfft2(z), [Z]),
    (lambda m, z: m.fft.irfft(z, n=0), [Z]),
    (lambda m, z: m.fft.irfft(z[:, :1]), [Z]),
    (lambda m, z: m.fft.irfftn(z, s=(3, 0)), [Z]),
    (lambda m, x: m.fft.fftn(x, dim=(0, 0)), [X]),
    (lambda m, x: m.fft.fftn(x, dim=(1, -1)), [X]),
    (lambda m, x: m.fft.fftn(x, s=(2, 3), dim=(0,)), [X]),
    (lambda m, x: m.fft.fftn(x, s=(2, 3, 4)), [X]),
    (lambda m, x: m.fft.ifftn(x, s=(0, 3)), [X]),
    (lambda m, x: m.fft.fftn(x, s=(-2, 3)), [X]),
    (lambda m, x: m.fft.fftn(x, dim=(0, 5)), [X]),
    (lambda m, x: m.fft.rfftn(x, dim=()), [X]),
    (lambda m, z: m.fft.irfftn(z, dim=()), [Z]),
    (lambda m, z: m.fft.hfftn(z, dim=()), [Z]),
    (lambda m, x: m.fft.ihfftn(x, dim=()), [X]),
    (lambda m: m.fft.fft2(m.zeros(5)), []),
    (lambda m: m.fft.fft("a"), []),
    (lambda m, x: m.fft.fft(x, n=2.0), [X]),
    (lambda m, x: m.fft.fft(x, n=True), [X]),
    (lambda m, x: m.fft.fft(x, dim=[0]), [X]),
    (lambda m, x: m.fft.fft(x, out=m.empty(0)), [X]),
    (lambda m, x: m.fft.rfft(x, out=m.empty(0)), [X]),
    (lambda m, x: m.fft.ifftn(x, out=m.empty(0)), [X]),
    (lambda m, x: m.fft.ihfft2(x, out=m.empty(0)), [X]),
    (lambda m, z: m.fft.irfft(z, out=m.empty(0, dtype=m.complex64)), [Z]),
    (lambda m, z: m.fft.hfftn(z, out=m.empty(0, dtype=m.complex64)), [Z]),
    (lambda m, x: m.fft.fft(x.requires_grad_(), out=m.empty(0, dtype=m.complex64)), [X]),
    (lambda m: m.fft.fftfreq(-1), []),
    (lambda m: m.fft.fftfreq(4.0), []),
    (lambda m: m.fft.fftfreq(4, dtype=m.int64), []),
    (lambda m: m.fft.rfftfreq(4, dtype=m.complex64), []),
    (lambda m, x: m.fft.fftshift(x, dim=3), [X]),
    (lambda m: m.fft.fftshift(m.tensor(3.0)), []),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    fn, arrays = ERRORS[i]
    check_error(fn, arrays)


# --- namespace -----------------------------------------------------------------------------

def test_namespace_matches_torch(oracle):
    ours = set(tm.fft.__all__)
    theirs = {n for n in dir(oracle.fft) if not n.startswith("_") and n not in (
        "Tensor", "torch", "common_args", "factory_common_args")}
    assert ours == theirs
    assert not hasattr(tm.Tensor, "fft") and not hasattr(oracle.Tensor, "fft")


def test_import_taimatsu_does_not_load_fft():
    code = "import sys, taimatsu; print('taimatsu.fft' in sys.modules, " \
           "'taimatsu._ops.fft' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.split() == ["False", "False"], proc.stderr
