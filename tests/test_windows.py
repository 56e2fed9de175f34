"""Window functions against the oracle: torch.hann_window ... and torch.signal.windows."""
import numpy as np
import pytest
from conftest import load_oracle

import taimatsu as tm

torch = load_oracle()

ATEN = [("hann_window", {}), ("hamming_window", {}), ("hamming_window", {"alpha": 0.6,
                                                                         "beta": 0.3}),
        ("blackman_window", {}), ("bartlett_window", {}), ("kaiser_window", {}),
        ("kaiser_window", {"beta": 3.5})]


def _close(ours, theirs):
    assert str(ours.dtype) == str(theirs.dtype) and tuple(ours.shape) == tuple(theirs.shape)
    assert ours.requires_grad == theirs.requires_grad
    # (numpy's float32 cos and torch's may differ in the last place)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=2e-6,
                               atol=2e-7)


@pytest.mark.parametrize("name,kwargs", ATEN, ids=[f"{n}{k}" for n, k in ATEN])
@pytest.mark.parametrize("n", [0, 1, 2, 5, 16, 33])
@pytest.mark.parametrize("periodic", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_aten_windows(name, kwargs, n, periodic, dtype):
    ours = getattr(tm, name)(n, periodic, dtype=getattr(tm, dtype), **kwargs)
    theirs = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype), **kwargs)
    _close(ours, theirs)


def test_a_half_kaiser_window_is_computed_in_float32_as_torch_s():
    ours = tm.kaiser_window(9, dtype=tm.float16)
    theirs = torch.kaiser_window(9, dtype=torch.float16)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_window_defaults_and_errors_as_torch():
    _close(tm.hann_window(8, requires_grad=True), torch.hann_window(8, requires_grad=True))
    for m in (tm, torch):
        with pytest.raises(RuntimeError, match="requires non-negative window_length"):
            m.blackman_window(-2)
        with pytest.raises(RuntimeError, match="expects floating point dtypes, got: "
                                               "TensorOptions\\(dtype=long int"):
            m.hann_window(3, dtype=m.int64)


SIGNAL = [("hann", {}), ("hamming", {}), ("blackman", {}), ("bartlett", {}),
          ("kaiser", {}), ("kaiser", {"beta": 4.0}), ("cosine", {}), ("gaussian", {}),
          ("gaussian", {"std": 2.5}), ("exponential", {}), ("exponential", {"tau": 3.0}),
          ("nuttall", {}), ("general_hamming", {"alpha": 0.6}),
          ("general_cosine", {"a": [0.5, 0.3, 0.2]})]


@pytest.mark.parametrize("name,kwargs", SIGNAL, ids=[f"{n}{k}" for n, k in SIGNAL])
@pytest.mark.parametrize("n", [0, 1, 2, 7, 12])
@pytest.mark.parametrize("sym", [True, False])
def test_signal_windows(name, kwargs, n, sym):
    ours = getattr(tm.signal.windows, name)(n, sym=sym, **kwargs)
    theirs = getattr(torch.signal.windows, name)(n, sym=sym, **kwargs)
    _close(ours, theirs)
    ours = getattr(tm.signal.windows, name)(n, sym=sym, dtype=tm.float64, **kwargs)
    theirs = getattr(torch.signal.windows, name)(n, sym=sym, dtype=torch.float64, **kwargs)
    _close(ours, theirs)


def test_signal_window_errors_as_torch():
    for m in (tm, torch):
        w = m.signal.windows
        for call, match in [(lambda: w.hann(-1), "non-negative window length"),
                            (lambda: w.gaussian(4, std=0), "Standard deviation must be"),
                            (lambda: w.exponential(4, tau=-1), "Tau must be positive"),
                            (lambda: w.exponential(4, center=1.0), "Center must be None"),
                            (lambda: w.kaiser(4, beta=-1), "beta must be non-negative"),
                            (lambda: w.hann(4, dtype=m.int32), "expects float32 or float64"),
                            (lambda: w.general_cosine(4, a=[]), "Coefficients cannot be")]:
            with pytest.raises(ValueError, match=match):
                call()
