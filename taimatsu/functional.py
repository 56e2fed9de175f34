"""torch.functional's signal functions: stft and istft, composed of differentiable ops
(padding, frames as a strided view, window, rfft; and back, irfft, overlap-add by fold,
the window envelope), so their gradients are the compositions' own."""
import warnings

import taimatsu as _tm

__all__ = ["istft", "stft"]

_RECTANGULAR = ("A window was not provided. A rectangular window will be applied,which is "
                "known to cause spectral leakage. Other windows such as torch.hann_window or "
                "torch.hamming_window are recommended to reduce spectral leakage.To suppress "
                "this warning and use a rectangular window, explicitly set "
                "`window=torch.ones(n_fft, device=<device>)`.")
_RECTANGULAR_INVERSE = ("A window was not provided. A rectangular window will be applied."
                        "Please provide the same window used by stft to make the inversion "
                        "lossless.To suppress this warning and use a rectangular window, "
                        "explicitly set `window=torch.ones(n_fft, device=<device>)`.")
_warned = set()


def _warn_once(message):
    # torch warns once per process (TORCH_WARN_ONCE)
    if message not in _warned:
        _warned.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def _window_of(window, win_length, n_fft, dtype, message):
    """The window, centred and zero-padded to n_fft (a rectangular one if None)."""
    if window is None:
        _warn_once(message)
        window = _tm.ones(win_length, dtype=dtype)
    if window.dim() != 1 or window.shape[0] != win_length:
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length="
                           f"{win_length}, but got window with size {list(window.shape)}")
    if win_length < n_fft:
        left = (n_fft - win_length) // 2
        window = _tm.nn.functional.pad(window, (left, n_fft - win_length - left))
    return window


def stft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
         pad_mode="reflect", normalized=False, onesided=None, return_complex=None):
    """The short-time Fourier transform: (..., n_fft // 2 + 1, frames), complex."""
    if return_complex is None:
        if not (input.is_complex() or (window is not None and window.is_complex())):
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True "
                               "in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        _warn_once("stft with return_complex=False is deprecated. In a future pytorch "
                   "release, stft will return complex tensors for all inputs, and "
                   "return_complex=False will raise an error.\nNote: you can still call "
                   "torch.view_as_real on the complex output to recover the old return "
                   "format.")
    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D "
                           f"tensor")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    if n_fft <= 0 or n_fft > input.shape[-1] + (2 * (n_fft // 2) if center else 0):
        raise RuntimeError(f"stft: expected 0 < n_fft < {input.shape[-1]}, but got "
                           f"n_fft={n_fft}")
    if hop_length <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop_length}")
    if win_length <= 0 or win_length > n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got "
                           f"win_length={win_length}")
    batched = input.dim() == 2
    x = input if batched else input.unsqueeze(0)
    if center:
        half = n_fft // 2
        x = _tm.nn.functional.pad(x.unsqueeze(1), (half, half), mode=pad_mode).squeeze(1)
    window = _window_of(window, win_length, n_fft, x.dtype, _RECTANGULAR)
    frames = x.unfold(-1, n_fft, hop_length) * window  # (batch, n_frames, n_fft)
    complex_ = x.is_complex() or window.is_complex()
    if onesided is None:
        onesided = not complex_
    if onesided and complex_:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    norm = "ortho" if normalized else "backward"
    spec = _tm.fft.rfft(frames, dim=-1, norm=norm) if onesided else \
        _tm.fft.fft(frames, dim=-1, norm=norm)
    spec = spec.transpose(-1, -2)  # (batch, freq, n_frames)
    if not batched:
        spec = spec.squeeze(0)
    return spec if return_complex else _tm.view_as_real(spec)


def istft(input, n_fft, hop_length=None, win_length=None, window=None, center=True,
          normalized=False, onesided=None, length=None, return_complex=False):
    """The inverse of stft by overlap-add, divided by the window's envelope."""
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the "
                           "output from stft with return_complex=True.")
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    batched = input.dim() == 3
    spec = input if batched else input.unsqueeze(0)
    n_frames = spec.shape[-1]
    if onesided is None:
        onesided = spec.shape[-2] != n_fft
    real_dtype = _tm.float64 if spec.dtype == _tm.complex128 else _tm.float32
    window = _window_of(window, win_length, n_fft, real_dtype, _RECTANGULAR_INVERSE)
    norm = "ortho" if normalized else "backward"
    spec = spec.transpose(-1, -2)  # (batch, n_frames, freq)
    if onesided:
        if return_complex:
            raise RuntimeError("cannot have onesided output if window or input is complex")
        frames = _tm.fft.irfft(spec, n=n_fft, dim=-1, norm=norm)
    else:
        frames = _tm.fft.ifft(spec, n=n_fft, dim=-1, norm=norm)
        if not return_complex:
            frames = frames.real
    frames = frames * window
    expected = n_fft + hop_length * (n_frames - 1)
    fold = _tm.nn.functional.fold
    y = fold(frames.transpose(1, 2), (1, expected), (1, n_fft),
             stride=(1, hop_length)).reshape(frames.shape[0], expected)
    envelope = fold((window * window).reshape(1, n_fft, 1).expand(1, n_fft, n_frames),
                    (1, expected), (1, n_fft), stride=(1, hop_length)).reshape(expected)
    start = n_fft // 2 if center else 0
    end = expected
    if length is not None:
        end = start + length
    elif center:
        end = -(n_fft // 2)
    y = y[:, start:end]
    envelope = envelope[start:end]
    if bool((envelope.abs() < 1e-11).any()):
        raise RuntimeError("istft(window overlap add min: 1): window overlap add min must be "
                           "greater than 1e-11")
    y = y / envelope
    if length is not None and y.shape[-1] < length:
        y = _tm.nn.functional.pad(y, (0, length - y.shape[-1]))
    return y if batched else y.squeeze(0)
