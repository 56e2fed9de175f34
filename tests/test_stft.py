"""torch.stft / istft against the oracle: values, shapes, gradients, errors."""
import numpy as np
import pytest
from conftest import load_oracle

import taimatsu as tm

torch = load_oracle()

SIGNAL = np.sin(np.linspace(0, 20, 101)) + 0.1 * np.cos(np.linspace(0, 77, 101))

CASES = [
    ("hann", dict(n_fft=16, window="hann")),
    ("hop and win_length", dict(n_fft=16, hop_length=5, win_length=10, window="hann10")),
    ("no center", dict(n_fft=8, center=False, window="hann8")),
    ("normalized", dict(n_fft=16, normalized=True, window="hann")),
    ("two-sided", dict(n_fft=16, onesided=False, window="hann")),
    ("constant pad", dict(n_fft=16, pad_mode="constant", window="hann")),
    ("rectangular", dict(n_fft=12, hop_length=3)),
]


def _kwargs(m, kwargs):
    k = dict(kwargs)
    w = k.pop("window", None)
    if w == "hann":
        k["window"] = m.hann_window(k["n_fft"], dtype=m.float64)
    elif w is not None:
        k["window"] = m.hann_window(int(w[4:]), dtype=m.float64)
    return k


@pytest.mark.parametrize("name,kwargs", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("batched", [False, True])
def test_stft_and_its_gradient_as_torch(name, kwargs, batched):
    out = []
    for m in (tm, torch):
        data = np.stack([SIGNAL, SIGNAL[::-1].copy()]) if batched else SIGNAL
        x = m.tensor(data, requires_grad=True)
        s = m.stft(x, return_complex=True, **_kwargs(m, kwargs))
        (s.abs() ** 2).sum().backward()
        out.append((s, x.grad))
    (s1, g1), (s2, g2) = out
    assert tuple(s1.shape) == tuple(s2.shape) and str(s1.dtype) == str(s2.dtype)
    np.testing.assert_allclose(s1.detach().numpy(), s2.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), atol=1e-9)


@pytest.mark.parametrize("name,kwargs", [c for c in CASES if c[0] not in
                                         ("two-sided", "constant pad", "no center")],
                         ids=[c[0] for c in CASES if c[0] not in
                              ("two-sided", "constant pad", "no center")])
def test_istft_inverts_as_torch(name, kwargs):
    out = []
    for m in (tm, torch):
        k = _kwargs(m, kwargs)
        k.pop("pad_mode", None)
        spec = m.stft(m.tensor(SIGNAL), return_complex=True, **k)
        spec.requires_grad_()
        y = m.istft(spec, length=101, **k)
        y.pow(2).sum().backward()
        out.append((y, spec.grad))
    np.testing.assert_allclose(out[0][0].detach().numpy(), out[1][0].detach().numpy(),
                               atol=1e-10)
    np.testing.assert_allclose(out[0][1].numpy(), out[1][1].numpy(), atol=1e-9)


def test_stft_real_view_method_and_errors_as_torch():
    for m in (tm, torch):
        x = m.tensor(SIGNAL)
        with pytest.raises(RuntimeError, match="stft requires the return_complex parameter"):
            m.stft(x, 16)
        with pytest.raises(RuntimeError, match="istft requires a complex-valued input"):
            m.istft(x.reshape(1, -1), 16)
    a = tm.tensor(SIGNAL).stft(16, window=tm.hann_window(16, dtype=tm.float64),
                               return_complex=False)
    b = torch.tensor(SIGNAL).stft(16, window=torch.hann_window(16, dtype=torch.float64),
                                  return_complex=False)
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-10)
