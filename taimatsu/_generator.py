"""torch's CPU random number generator, reproduced value for value.

PyTorch's CPU generator is a 32-bit Mersenne Twister (at::mt19937, seeded like
`std::mt19937(seed & 0xffffffff)`) plus one cached normal sample.  numpy ships
the very same engine (`np.random.MT19937`, whose legacy seeding is
init_genrand), so the generator keeps a numpy bit generator as its live state
and draws raw 32-bit words from it in bulk.  Everything torch layers on top of
those words (the uniform masks, Box-Muller in its two forms, modulo reduction
for integers, the Fisher-Yates shuffle of randperm ...) is re-done here in numpy,
operation for operation, so that the same seed and the same call sequence give
the same bits as torch.

Where torch calls libm in double precision we call the same libm through the
`math` module (numpy's own log/log1p/exp/tan differ from glibc in the last bit
for a few inputs in a thousand); numpy's sin and cos are used where they agree
with libm, which is checked once at run time.

Known limits, all measured against torch 2.13 on x86-64 with AVX2/AVX512:
- float32 normal fills of >= 16 elements reproduce torch's AVX2 kernel
  (avx_mathfun's log256_ps / sincos256_ps); torch built without AVX2 uses libm
  there instead and would differ in the last bits.
- fused multiply-adds (normal_ with mean/std != 0/1, uniform_ with a range)
  are emulated with error-free transformations; they agree with a hardware fma
  except in cases rarer than 1 in 2**29.
"""
import math
import os
import threading
import warnings

from ._backend import numpy as np
from ._backend import GraphBreak as _GraphBreak, Tracing as _Tracing

__all__ = ["Generator", "default_generator"]

DEFAULT_RNG_SEED = 67280421310721  # c10::detail::default_rng_seed_val
_STATE_N = 624  # MERSENNE_STATE_N
# sizeof(CPUGeneratorImplState): the legacy POD (seed, left, seeded, next,
# 624 uint64 words, three doubles and an int) followed by the float cache
STATE_SIZE = 5056
_OFF_LEFT, _OFF_SEEDED, _OFF_NEXT, _OFF_KEY = 8, 12, 16, 24
_OFF_NORMAL_Y, _OFF_NORMAL_VALID = 5024, 5040
_OFF_FLOAT_NORMAL, _OFF_FLOAT_VALID = 5048, 5052

_U64 = np.uint64
_F32 = np.float32
_F64 = np.float64
_F16 = np.float16
_MASK53 = _U64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi  # 2.0f * c10::pi<double> in torch, exact either way


def _nondeterministic_seed():
    """What c10::detail::getNonDeterministicRandom gives a CPU generator."""
    return int.from_bytes(os.urandom(8), "little")


def _unpack_seed(seed):
    """torch's unpack_uint64: ints in [-2**63, 2**64), negatives as two's complement."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        # torch raises RuntimeError here, not TypeError
        raise RuntimeError(  # noqa: TRY004
            f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


def _device_type(device):
    if device is None:
        return "cpu"
    if isinstance(device, str):
        return device.split(":")[0]
    return getattr(device, "type", str(device))


class Generator:
    """torch.Generator for the CPU: a Mersenne Twister and a cached normal sample."""

    def __init__(self, device="cpu"):
        from ._backend import for_device

        for_device(_device_type(device))
        self._bitgen_obj = None
        self._set_seed(DEFAULT_RNG_SEED)

    @property
    def _bitgen(self):
        if self._bitgen_obj is None:
            self._start_engine()
        return self._bitgen_obj

    def _start_engine(self):
        # numpy.random costs ~7 MB and tens of ms to import: load it at the first draw,
        # not at `import taimatsu`
        bg = self._bitgen_obj = np.random.MT19937(0)
        bg._legacy_seeding(self._seed & 0xFFFFFFFF)
        # integers() over the whole uint32 range hands out the engine's words as they
        # come, from the same state, as uint32: random_raw widens them to uint64, which
        # doubles the memory every later pass over them reads
        self._integers = np.random.Generator(bg).integers

    # ------------------------------------------------------------------ seeding
    def _set_seed(self, seed):
        self._seed = seed
        if self._bitgen_obj is not None:
            self._bitgen_obj._legacy_seeding(seed & 0xFFFFFFFF)
        # torch reports next_=0 right after seeding and 624 after a block is used up;
        # numpy stores both as pos=624, so remember which one to report
        self._next_at_boundary = 0
        self._next_double_normal = None
        self._next_float_normal = None

    def manual_seed(self, seed):
        self._set_seed(_unpack_seed(seed))
        return self

    def seed(self):
        seed = _nondeterministic_seed()
        self._set_seed(seed)
        return seed

    def initial_seed(self):
        return self._seed

    @property
    def device(self):
        from ._device import device
        return device("cpu")

    def __repr__(self):
        return f"<taimatsu.Generator object at {id(self):#x}>"

    # -------------------------------------------------------------------- state
    def get_state_array(self):
        """The 5056 bytes of torch's CPUGeneratorImplState, as a numpy uint8 array."""
        state = self._bitgen.state["state"]
        pos = int(state["pos"])
        buf = np.zeros(STATE_SIZE, np.uint8)
        if pos >= _STATE_N:
            left, next_ = 1, self._next_at_boundary
        else:
            left, next_ = _STATE_N + 1 - pos, pos
        buf[0:8].view(np.uint64)[0] = self._seed
        buf[_OFF_LEFT:_OFF_LEFT + 4].view(np.int32)[0] = left
        buf[_OFF_SEEDED:_OFF_SEEDED + 4].view(np.int32)[0] = 1
        buf[_OFF_NEXT:_OFF_NEXT + 8].view(np.uint64)[0] = next_
        buf[_OFF_KEY:_OFF_KEY + 8 * _STATE_N].view(np.uint64)[:] = state["key"]
        if self._next_double_normal is not None:
            buf[_OFF_NORMAL_Y:_OFF_NORMAL_Y + 8].view(np.float64)[0] = self._next_double_normal
            buf[_OFF_NORMAL_VALID] = 1
        if self._next_float_normal is not None:
            buf[_OFF_FLOAT_NORMAL:_OFF_FLOAT_NORMAL + 4].view(np.float32)[0] = (
                self._next_float_normal)
            buf[_OFF_FLOAT_VALID] = 1
        return buf

    def set_state_array(self, arr):
        """Load bytes made by get_state_array, or by torch's Generator.get_state()."""
        arr = np.ascontiguousarray(arr)
        if arr.dtype != np.uint8:
            raise RuntimeError(
                f"expected a torch.ByteTensor, but got {_torch_type_name(arr.dtype)}")
        arr = arr.reshape(-1)
        if arr.size != STATE_SIZE:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {STATE_SIZE} but "
                               f"found the input RNG state size to be {arr.size}")
        seed = int(arr[0:8].view(np.uint64)[0])
        left = int(arr[_OFF_LEFT:_OFF_LEFT + 4].view(np.int32)[0])
        seeded = int(arr[_OFF_SEEDED:_OFF_SEEDED + 4].view(np.int32)[0])
        next_ = int(arr[_OFF_NEXT:_OFF_NEXT + 8].view(np.uint64)[0]) & 0xFFFFFFFF
        if not seeded or not 0 < left <= _STATE_N or next_ > _STATE_N:
            raise RuntimeError("Invalid mt19937 state")
        # the legacy layout stores the 32-bit words widened to 64 bits
        key = arr[_OFF_KEY:_OFF_KEY + 8 * _STATE_N].view(np.uint64).astype(np.uint32)
        # torch twists when `left` runs out; numpy when pos reaches 624
        pos = _STATE_N if left == 1 else next_
        self._bitgen.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._seed = seed
        self._next_at_boundary = next_ if left == 1 else _STATE_N
        self._next_double_normal = (
            float(arr[_OFF_NORMAL_Y:_OFF_NORMAL_Y + 8].view(np.float64)[0])
            if arr[_OFF_NORMAL_VALID:_OFF_NORMAL_VALID + 4].view(np.int32)[0] else None)
        self._next_float_normal = (
            float(arr[_OFF_FLOAT_NORMAL:_OFF_FLOAT_NORMAL + 4].view(np.float32)[0])
            if arr[_OFF_FLOAT_VALID] else None)
        return self

    def get_state(self):
        from ._tensor import _wrap

        return _wrap(self.get_state_array())

    def set_state(self, new_state):
        data = getattr(new_state, "_data", None)
        if data is None:
            raise TypeError(f"expected a torch.ByteTensor, but got {type(new_state).__name__}")
        self.set_state_array(data)
        return self

    def clone_state(self):
        """A new Generator in the same state (torch's Generator.clone_state)."""
        other = Generator()
        other.set_state_array(self.get_state_array())
        return other

    def __getstate__(self):
        return {"state": self.get_state_array()}

    def __setstate__(self, d):
        self._bitgen_obj = None
        self._set_seed(DEFAULT_RNG_SEED)
        self.set_state_array(d["state"])

    # ---------------------------------------------------------------- raw words
    def _random32(self, n):
        """n outputs of the engine (torch's generator->random()), as uint32."""
        if _Tracing.active and not _Tracing.drawing:
            # a trace must not advance the generator: the call then runs eagerly and
            # draws the numbers eager code draws
            raise _GraphBreak("random numbers (the generator's state is not threaded "
                              "through a replay yet)")
        if n:
            self._next_at_boundary = _STATE_N
        if self._bitgen_obj is None:
            self._start_engine()
        return self._integers(0, 0xFFFFFFFF, size=n, dtype=np.uint32, endpoint=True)

    def _random64(self, n):
        """n values of torch's random64(): two words, the first one high."""
        words = self._random32(2 * n).astype(_U64)
        return (words[0::2] << _U64(32)) | words[1::2]


def _torch_type_name(np_dtype):
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
             "int32": "Int", "int16": "Short", "int8": "Char", "bool": "Bool"}
    return f"torch.{names.get(np.dtype(np_dtype).name, 'Byte')}Tensor"


default_generator = Generator()
default_generator.seed()


# =============================================================== float helpers
def _libm(fn, x):
    """fn (a `math` function, i.e. the C library's) applied to each element of x."""
    x = np.asarray(x, _F64)
    try:
        return np.fromiter(map(fn, x.ravel().tolist()), _F64, x.size).reshape(x.shape)
    except (ValueError, OverflowError):
        # math raises where C returns inf or nan; redo element by element
        return np.array([_libm_scalar(fn, v) for v in x.ravel().tolist()],
                        _F64).reshape(x.shape)


def _libm_scalar(fn, v):
    try:
        return fn(v)
    except (ValueError, OverflowError):
        npfn = getattr(np, fn.__name__)
        with np.errstate(all="ignore"):
            return float(npfn(_F64(v)))


_TRIG_AGREES = None


def _sin_cos(theta):
    """libm's sin and cos of a float64 array, fast where numpy agrees with libm."""
    global _TRIG_AGREES
    if _TRIG_AGREES is None:
        probe = np.linspace(0.0, _TWO_PI, 4099)[1:]
        _TRIG_AGREES = bool(np.array_equal(np.sin(probe), _libm(math.sin, probe))
                            and np.array_equal(np.cos(probe), _libm(math.cos, probe)))
    if _TRIG_AGREES:
        return np.sin(theta), np.cos(theta)
    return _libm(math.sin, theta), _libm(math.cos, theta)


def _split(a):
    """Veltkamp split of float64 a into two halves whose products are exact."""
    c = a * 134217729.0  # 2**27 + 1
    high = c - (c - a)
    return high, a - high


def _fma64(a, b, c):
    """a * b + c rounded once, as std::fma does, from error-free transformations."""
    a, b, c = np.broadcast_arrays(np.asarray(a, _F64), np.asarray(b, _F64),
                                  np.asarray(c, _F64))
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    p_err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    s_err = (p - (s - bb)) + (c - bb)
    with np.errstate(invalid="ignore", over="ignore"):
        result = s + (s_err + p_err)
    # infinities and nans make the error terms nan; the plain sum is right there
    bad = ~np.isfinite(result)
    if bad.any():
        result = np.where(bad, a * b + c, result)
    return result


def _fma32(a, b, c):
    """float32 fma: the product of two floats is exact in double, so only the sum
    rounds (twice, which differs from one rounding in fewer than 1 in 2**29 cases)."""
    return (_F64(a) * b + c).astype(_F32)


# ================================================================ uniform reals
def _uniform01_float(gen, n):
    """uniform_real_distribution<float>(0, 1): 24 random bits of one word."""
    words = gen._random32(n)
    np.bitwise_and(words, 0xFFFFFF, out=words)
    u = words.view(_F32)
    np.copyto(u, words, casting="unsafe")  # each word's slot takes its float
    return np.multiply(u, _F32(2.0 ** -24), out=u)


def _uniform01_double(gen, n):
    """uniform_real_distribution<double>(0, 1): 53 random bits of random64()."""
    return (gen._random64(n) & _MASK53).astype(_F64) * (2.0 ** -53)


def uniform(gen, n, np_dtype, low=0.0, high=1.0):
    """n draws of Tensor.uniform_(low, high), in the order torch fills memory."""
    np_dtype = np.dtype(np_dtype)
    if np_dtype == _F64:
        x = _uniform01_double(gen, n)
        lo, hi = float(low), float(high)
        if (lo, hi) != (0.0, 1.0):
            x = _fma64(x, hi - lo, lo)
        return x
    # float and half both draw in float (half's opmath type), then round
    x = _uniform01_float(gen, n)
    lo, hi = _F32(low), _F32(high)
    if (lo, hi) != (0.0, 1.0):
        x = _fma32(x, hi - lo, lo)
    out = x.astype(np_dtype, copy=False)
    # rounding may land on the excluded upper bound: torch maps it back to `low`
    lo_s, hi_s = np_dtype.type(low), np_dtype.type(high)
    if np_dtype != _F32 or (lo, hi) != (0.0, 1.0):
        out[out == hi_s] = lo_s
    return out


# ====================================================================== normals
def _normal_pairs(gen, n):
    """n standard normals from normal_distribution<double>, honouring the cache."""
    out = np.empty(n, _F64)
    start = 0
    if n and gen._next_double_normal is not None:
        out[0] = gen._next_double_normal
        gen._next_double_normal = None
        start = 1
    remaining = n - start
    if remaining:
        pairs = (remaining + 1) // 2
        u = _uniform01_double(gen, 2 * pairs)
        u1, u2 = u[0::2], u[1::2]
        radius = np.sqrt(-2.0 * _libm(math.log1p, -u2))
        sin, cos = _sin_cos(_TWO_PI * u1)
        both = np.empty(2 * pairs, _F64)
        both[0::2] = radius * cos
        both[1::2] = radius * sin
        out[start:] = both[:remaining]
        if remaining % 2:
            gen._next_double_normal = float(both[-1])
    return out


def normal_serial(gen, n, mean=0.0, std=1.0):
    """torch's element-by-element normal path (fewer than 16 elements, or a
    non-contiguous tensor), in float64 before the cast to the tensor's dtype."""
    z = _normal_pairs(gen, n)
    if (mean, std) == (0.0, 1.0):
        return z
    return _fma64(z, float(std), float(mean))


# avx_mathfun.h constants, rounded to float as its static float arrays are
_C = {name: _F32(value) for name, value in {
    "SQRTHF": 0.707106781186547524, "log_p0": 7.0376836292E-2, "log_p1": -1.1514610310E-1,
    "log_p2": 1.1676998740E-1, "log_p3": -1.2420140846E-1, "log_p4": +1.4249322787E-1,
    "log_p5": -1.6668057665E-1, "log_p6": +2.0000714765E-1, "log_p7": -2.4999993993E-1,
    "log_p8": +3.3333331174E-1, "log_q1": -2.12194440e-4, "log_q2": 0.693359375,
    "DP1": -0.78515625, "DP2": -2.4187564849853515625e-4, "DP3": -3.77489497744594108e-8,
    "sincof_p0": -1.9515295891E-4, "sincof_p1": 8.3321608736E-3, "sincof_p2": -1.6666654611E-1,
    "coscof_p0": 2.443315711809948E-005, "coscof_p1": -1.388731625493765E-003,
    "coscof_p2": 4.166664568298827E-002, "FOPI": 1.27323954473516,
}.items()}
_ONE32 = _F32(1.0)
# log256_ps splits its argument into m * 2**e with m in [SQRTHF, SQRT2): adding this to
# a float's bits carries into the exponent exactly where the mantissa reaches SQRTHF's
_SQRTHF_MANTISSA = int(np.array(_C["SQRTHF"]).view(np.int32)) & 0x7FFFFF
_SQRTHF_CARRY = 0x800000 - _SQRTHF_MANTISSA
_SQRTHF_BITS = 0x3F000000 + _SQRTHF_MANTISSA
_LOG_P = tuple(_F64(_C[f"log_p{k}"]) for k in range(9))
_TWO24 = _F32(1 << 24)
# 2.0f * pi * u for u = k * 2**-24 is one rounded float product; the power of two folds in
_ANGLE_STEP = _F32(_TWO_PI) * _F32(2.0 ** -24)
_SIGN_BIT = np.int32(-0x80000000)
# Rows of 16 per block: the kernel is ~130 numpy passes over a block, which must be big
# enough for numpy's cost per call to vanish, and small enough to stay in cache
_BLOCK_ROWS = 4096
# threads take bigger blocks: each pass hands the GIL over, and long passes keep these
# hand-offs (microseconds each) rare
_THREAD_BLOCK_ROWS = 8192


class _Lanes:
    """Work arrays for a block of rows of 8 lanes.  The avx_mathfun functions below are
    long chains of one-operation passes: running them a block at a time on arrays that
    are reused (numpy `out=`) keeps every pass in cache and allocates nothing."""

    def __init__(self, rows):
        for name in ("x", "y", "z", "w", "e", "radius", "angle", "sin", "cos"):
            setattr(self, name, np.empty((rows, 8), _F32))
        for name in ("a", "b", "x64"):
            setattr(self, name, np.empty((rows, 8), _F64))
        self.j = np.empty((rows, 8), np.int32)
        self.k = np.empty((rows, 8), np.int32)

    def first(self, rows):
        """The same arrays cut to their first `rows` rows (for the last block)."""
        if rows == len(self.x):
            return self
        part = object.__new__(_Lanes)
        part.__dict__.update({name: a[:rows] for name, a in vars(self).items()})
        return part


def _widen(a32, out64):
    """a32 in float64 (exactly), written to out64.  A pass reads operands of its own
    dtype faster than numpy casts a mixed one (through a buffer), and writes to another
    dtype at no extra cost: so float32 operands of float64 passes are widened first."""
    np.copyto(out64, a32)
    return out64


def _narrow(a64, out32):
    """a64 rounded to float32, written to out32 (a pass of its own: see _widen)."""
    np.copyto(out32, a64, casting="unsafe")
    return out32


def _log_radius(k, s):
    """sqrt(-2 * log256_ps(1 - u)) into s.radius, for u = k * 2**-24 (k: 24-bit words).

    log256_ps is Cephes logf, one float32 operation at a time.  GCC builds the
    intrinsics as plain vector arithmetic and, contracting floating point by default,
    turns each multiply feeding an add into an fma.  An fma whose product is exact in
    float32 is one float32 add; the others form the product in float64, where the
    product of two floats is exact, and round the sum to float32 (twice, which differs
    from one rounding in fewer than 1 in 2**29 cases).
    """
    x, y, z, w, e, a, b, x64 = s.x, s.y, s.z, s.w, s.e, s.a, s.b, s.x64
    bits = x.view(np.int32)
    # 1 - u = (2**24 - k) * 2**-24: the float of the integer has its bits, exponent + 24
    np.copyto(x, k, casting="unsafe")
    np.subtract(_TWO24, x, out=x)
    np.add(bits, _SQRTHF_CARRY, out=bits)
    np.right_shift(bits, 23, out=s.j)
    np.subtract(s.j, 127 + 24, out=e, casting="unsafe")
    np.bitwise_and(bits, 0x7FFFFF, out=bits)
    np.add(bits, _SQRTHF_BITS, out=bits)                # the mantissa, in [SQRTHF, SQRT2)
    np.subtract(x, _ONE32, out=x)                       # exact
    _widen(x, x64)
    np.multiply(x64, _LOG_P[0], out=a)
    for p in _LOG_P[1:8]:
        _narrow(np.add(a, p, out=a), y)                 # y = fma(y, x, p) in float32
        np.multiply(_widen(y, a), x64, out=a)
    _narrow(np.add(a, _LOG_P[8], out=a), y)
    np.multiply(y, x, out=y)
    np.multiply(x, x, out=z)
    np.multiply(_widen(y, a), _widen(z, b), out=a)
    np.multiply(e, _C["log_q1"], out=w)
    _narrow(np.add(a, _widen(w, b), out=a), y)
    np.subtract(y, np.multiply(z, _F32(0.5), out=z), out=y)
    np.add(x, y, out=y)
    np.add(y, np.multiply(e, _C["log_q2"], out=w), out=y)  # exact: 8 bits times 9 bits
    np.multiply(y, _F32(-2.0), out=y)
    return np.sqrt(y, out=s.radius)


def _fma_poly2(p0, p1, p2, z64, a, out32):
    """out32 = fma(fma(p0, z, p1), z, p2) in float32, the products formed in float64."""
    np.multiply(z64, _F64(p0), out=a)
    _narrow(np.add(a, _F64(p1), out=a), out32)
    np.multiply(_widen(out32, a), z64, out=a)
    _narrow(np.add(a, _F64(p2), out=a), out32)


def _sincos256_ps(k, s):
    """avx_mathfun's sincos256_ps (Cephes sinf/cosf) of 2 pi u into s.sin and s.cos, for
    u = k * 2**-24 (k: 24-bit words), fmas contracted as in _log_radius."""
    angle, w, j, y, x, z, a, b, z64 = s.angle, s.w, s.j, s.y, s.x, s.z, s.a, s.b, s.x64
    np.copyto(angle, k, casting="unsafe")
    np.multiply(angle, _ANGLE_STEP, out=angle)
    np.copyto(j, np.multiply(angle, _C["FOPI"], out=w), casting="unsafe")
    np.add(j, 1, out=j)
    np.bitwise_and(j, ~1, out=j)
    np.copyto(y, j, casting="unsafe")
    # y <= 8 is even, and DP1, DP2 have few bits: their products are exact
    np.add(angle, np.multiply(y, _C["DP1"], out=w), out=x)
    np.add(x, np.multiply(y, _C["DP2"], out=w), out=x)
    np.multiply(_widen(j, a), _F64(_C["DP3"]), out=a)
    _narrow(np.add(a, _widen(x, b), out=a), x)
    np.multiply(x, x, out=z)
    _widen(z, z64)
    cos, sin = s.cos, s.sin
    _fma_poly2(_C["coscof_p0"], _C["coscof_p1"], _C["coscof_p2"], z64, a, w)
    np.multiply(w, z, out=w)
    np.multiply(_widen(w, a), z64, out=a)
    _narrow(np.subtract(a, np.multiply(z64, 0.5, out=b), out=a), cos)
    np.add(cos, _ONE32, out=cos)
    _fma_poly2(_C["sincof_p0"], _C["sincof_p1"], _C["sincof_p2"], z64, a, w)
    np.multiply(w, z, out=w)
    np.multiply(_widen(w, a), _widen(x, b), out=a)
    _narrow(np.add(a, b, out=a), sin)
    _select_and_sign(sin.view(np.int32), cos.view(np.int32), j, s.k, y.view(np.int32))


def _select_and_sign(sin_bits, cos_bits, j, k, diff):
    """Swap the two polynomials where bit 1 of j is set, then flip signs from bits of
    j, on the float bits (the blends and xors of sincos256_ps)."""
    np.left_shift(j, 30, out=k)
    np.right_shift(k, 31, out=k)                       # all ones where swapped
    np.bitwise_xor(sin_bits, cos_bits, out=diff)
    np.bitwise_and(diff, k, out=diff)
    np.bitwise_xor(sin_bits, diff, out=sin_bits)
    np.bitwise_xor(cos_bits, diff, out=cos_bits)
    # the sine's sign is bit 2 of j (4, 6), the cosine's bit 2 of j + 2 (2, 4): the same
    # but where the polynomials were swapped (2, 6)
    np.bitwise_and(k, _SIGN_BIT, out=k)
    np.left_shift(j, 29, out=diff)
    np.bitwise_and(diff, _SIGN_BIT, out=diff)
    np.bitwise_xor(sin_bits, diff, out=sin_bits)
    np.bitwise_xor(diff, k, out=diff)
    np.bitwise_xor(cos_bits, diff, out=cos_bits)


def _normal_rows(words, s, out):
    """NormalFill16<float> (AVX2) on rows of 16 words, in place of their uniforms:
    radius from lanes 0-7, angle from 8-15; out gets the normals before mean and std."""
    np.bitwise_and(words, 0xFFFFFF, out=words)
    radius = _log_radius(words[:, :8], s)
    _sincos256_ps(words[:, 8:], s)
    np.multiply(radius, s.cos, out=out[:, :8])
    np.multiply(radius, s.sin, out=out[:, 8:])


def _scale_rows(out, radius, mean, std, scratch):
    """out = fma(out, std, mean) in float32, as the kernel stores its results."""
    mean32, std32 = _F32(mean), _F32(std)
    if std32 == 1:
        if mean32 != 0:
            np.add(out, mean32, out=out)               # the product is exact
        elif math.copysign(1.0, mean32) > 0 and not radius.all():
            # a zero radius makes signed zeros, which adding +0.0 turns to +0.0
            np.add(out, mean32, out=out)
        return
    np.multiply(_widen(out, scratch), _F64(std32), out=scratch)   # exact
    _narrow(np.add(scratch, _F64(mean32), out=scratch), out)


def _normal_fill16_float(gen, out, mean, std):
    """NormalFill16<float> on out.shape = (k, 16), from 16 * k new words drawn a block
    of rows at a time, so that no array of the whole size but `out` is made.

    Large fills share the blocks out among threads (numpy lets go of the GIL inside
    each pass).  A thread draws a block's words and claims its rows under one lock, so
    the words go to the rows in order whichever thread takes them.
    """
    helpers = _helper_threads(len(out) // _THREAD_BLOCK_ROWS)
    block = _THREAD_BLOCK_ROWS if helpers else _BLOCK_ROWS
    rows = min(len(out), block)
    starts = iter(range(0, len(out), block))
    lock = threading.Lock()

    def work():
        lanes = _Lanes(rows)
        scratch = np.empty((rows, 16), _F64) if _F32(std) != 1 else None
        while True:
            with lock:
                start = next(starts, None)
                if start is None:
                    return
                dest = out[start:start + block]
                words = gen._random32(16 * len(dest)).reshape(-1, 16)
            s = lanes.first(len(dest))
            _normal_rows(words, s, dest)
            _scale_rows(dest, s.radius, mean, std,
                        None if scratch is None else scratch[:len(dest)])

    _run_threads(work, helpers)


# the fewest blocks worth starting a thread for (a block takes a few milliseconds)
_MIN_BLOCKS_PER_THREAD = 2
_MAX_THREADS = 4


def _helper_threads(blocks):
    """How many threads to start beside the caller's for `blocks` blocks of work: up to
    torch.get_num_threads() in all, and none for small work."""
    from ._config import get_num_threads

    threads = min(get_num_threads(), os.cpu_count() or 1, _MAX_THREADS,
                  blocks // _MIN_BLOCKS_PER_THREAD)
    return max(threads - 1, 0)


def _run_threads(work, helpers):
    """work() in `helpers` new threads and in this one; returns when all are done and
    raises what any of them raised."""
    errors = []

    def guarded():
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller)
            errors.append(exc)

    threads = []
    for _ in range(helpers):
        thread = threading.Thread(target=guarded, daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no threads here (e.g. WebAssembly): the caller does it all
            break
        threads.append(thread)
    guarded()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _box_muller16_double(u, mean, std):
    """NormalFill16<double> (scalar libm) on rows of 16 uniforms."""
    radius = np.sqrt(-2.0 * _libm(math.log, 1.0 - u[:, :8]))
    sin, cos = _sin_cos(_TWO_PI * u[:, 8:])
    out = np.empty_like(u)
    out[:, :8] = radius * cos
    out[:, 8:] = radius * sin
    if (mean, std) != (0.0, 1.0):
        out = _fma64(out, float(std), float(mean))
    return out


def normal_fill(gen, n, np_dtype, mean=0.0, std=1.0):
    """torch's normal_fill for a contiguous tensor of n >= 16 elements: uniforms for
    every element first, then normals 16 at a time, then the ragged end redone from
    16 more uniforms over the last 16 elements."""
    np_dtype = np.dtype(np_dtype)
    full = n // 16 * 16
    tail = n % 16
    if np_dtype == _F64:
        u = _uniform01_double(gen, n)
        out = np.empty(n, np_dtype)
        out[:full] = _box_muller16_double(u[:full].reshape(-1, 16), mean, std).reshape(-1)
        if tail:
            u = _uniform01_double(gen, 16).reshape(1, 16)
            out[n - 16:] = _box_muller16_double(u, mean, std).reshape(-1)
        return out
    if np_dtype == _F32:
        # the uniforms are drawn a block at a time as they are used
        out = np.empty(n, np_dtype)
        _normal_fill16_float(gen, out[:full].reshape(-1, 16), mean, std)
        if tail:
            gen._random32(tail)
            last = np.empty((1, 16), _F32)
            _normal_fill16_float(gen, last, mean, std)
            out[n - 16:] = last.reshape(-1)
        return out
    # reduced precision goes 16 at a time through a float buffer
    normals = np.empty((full // 16 + (1 if tail else 0), 16), _F32)
    _normal_fill16_float(gen, normals, mean, std)
    normals = normals.reshape(-1).astype(np_dtype)
    out = np.empty(n, np_dtype)
    out[:full] = normals[:full]
    if tail:
        out[n - 16:] = normals[full:]
    return out


def normal(gen, n, np_dtype, mean=0.0, std=1.0, contiguous=True):
    """n draws of Tensor.normal_(mean, std) in memory order, as np_dtype."""
    np_dtype = np.dtype(np_dtype)
    if n >= 16 and contiguous:
        return normal_fill(gen, n, np_dtype, mean, std)
    return _cast_from_double(normal_serial(gen, n, mean, std), np_dtype)


def _cast_from_double(x, np_dtype):
    # static_cast<at::Half>(double) goes through float
    if np_dtype == _F16:
        return x.astype(_F32).astype(_F16)
    return x.astype(np_dtype)


# ===================================================================== integers
_INT_MAX = {"int8": 127, "int16": 32767, "int32": 2**31 - 1, "int64": 2**63 - 1,
            "uint8": 255, "bool": 1}
_DIGITS = {"float16": 11, "float32": 24, "float64": 53}


def _from_int64(values, np_dtype):
    """static_cast<T>(int64_t) for each value (wrapping for narrow integers)."""
    if np_dtype == np.bool_:
        return values != 0
    if np_dtype == _F16:
        return values.astype(_F32).astype(_F16)
    return values.astype(np_dtype)


def random_from_to(gen, n, np_dtype, low, range_):
    """uniform_int_from_to_distribution: (word % range) + low, as torch's random_(from, to)."""
    np_dtype = np.dtype(np_dtype)
    # torch (outside fbcode) switches to 64-bit words from 2**28 on, whatever the
    # dtype, to keep the modulo bias of `word % range` near 5% at worst
    words = gen._random64(n) if range_ >= 1 << 28 else gen._random32(n)
    values = (words % _U64(range_)) + _U64(low & 0xFFFFFFFFFFFFFFFF)
    return _from_int64(values.view(np.int64), np_dtype)


def random_full_range(gen, n, np_dtype):
    """random_(from=-2**63, to=None): every 64-bit pattern, reinterpreted as int64."""
    return _from_int64(gen._random64(n).view(np.int64), np.dtype(np_dtype))


def random_default(gen, n, np_dtype):
    """Tensor.random_() without bounds: [0, max] for integers, [0, 2**digits] for floats."""
    np_dtype = np.dtype(np_dtype)
    name = np_dtype.name
    words = gen._random64(n) if name in ("float64", "int64") else gen._random32(n)
    if name == "bool":
        return (words & _U64(1)).astype(np.bool_)
    if name in _DIGITS:
        values = words % _U64((1 << _DIGITS[name]) + 1)
        return _from_int64(values.view(np.int64), np_dtype)
    values = words % _U64(_INT_MAX[name] + 1)
    return values.view(np.int64).astype(np_dtype)


def random_bounds(np_dtype, low, high):
    """(from, range) that torch's random_(from, to) uses, with its checks and messages.

    `high=None` means "up to the largest value of the dtype"; returns range None for
    the special full 64-bit case.
    """
    np_dtype = np.dtype(np_dtype)
    name = np_dtype.name
    is_float = name in _DIGITS
    int64_min = -(1 << 63)
    if high is not None:
        if not low < high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={high}")
        if is_float:
            low, high = _update_from(low, name), _update_to(high, name)
            if not low < high:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to "
                    f"dtype, but got from={low} >= to={high}")
        _check_in_range(low, high - 1, np_dtype)
        return low, (high - low) & 0xFFFFFFFFFFFFFFFF
    if low == int64_min:
        return low, None
    if is_float:
        to_inc = min(1 << _DIGITS[name], (1 << 63) - 1)
        low = _update_from(low, name)
        if not low < to_inc:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                f"casted to dtype, but got from={low} > to_inc={to_inc}")
    else:
        to_inc = _INT_MAX[name]
    _check_in_range(low, to_inc, np_dtype)
    return low, (to_inc - low + 1) & 0xFFFFFFFFFFFFFFFF


def _cast_int_through(value, name):
    """static_cast<int64_t>(static_cast<scalar_t>(value)) for a floating dtype."""
    as_float = np.array(value, np.int64).astype(_F32 if name == "float16" else name)
    return int(np.array(as_float, np.dtype(name)).astype(_F64)) if name == "float16" else int(
        as_float)


def _update_from(low, name):
    from_plus_1 = _cast_int_through(low + 1, name)
    if from_plus_1 < low:
        n = abs(low + 1).bit_length() - 1
        low = from_plus_1 + (1 << (n - _DIGITS[name] + 1))
    return low


def _update_to(high, name):
    to_minus_1 = _cast_int_through(high - 1, name)
    if to_minus_1 >= high:
        n = abs(high - 1).bit_length() - 1
        high = to_minus_1 - (1 << (n - _DIGITS[name] + 1))
    return high


_CPP_TYPE_NAMES = {"float16": "c10::Half", "float32": "float", "float64": "double",
                   "int8": "signed char", "int16": "short int", "int32": "int",
                   "int64": "long int", "uint8": "unsigned char", "bool": "bool"}


def _check_in_range(low, to_inc, np_dtype):
    name = np_dtype.name
    if name in _DIGITS:
        info = np.finfo(np_dtype)
        lo, hi = float(info.min), float(info.max)
    else:
        lo = 0 if name in ("uint8", "bool") else -_INT_MAX[name] - 1
        hi = _INT_MAX[name]
    for value, what in ((low, "from"), (to_inc, "to - 1")):
        if not lo <= value <= hi:
            raise RuntimeError(f"{what} is out of bounds for {_CPP_TYPE_NAMES[name]}")
    if name in _DIGITS:
        digits = _DIGITS[name]
        for value, what in ((low, "from"), (to_inc, "to - 1")):
            if not -(1 << digits) <= value <= 1 << digits:
                warnings.warn(
                    f"{what} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {_CPP_TYPE_NAMES[name]} can support discrete uniform "
                    "distribution only within this range. This warning will become an error "
                    "in version 1.7 release, please fix the code in advance", stacklevel=4)


def randperm(gen, n, np_dtype):
    """torch's CPU randperm: Fisher-Yates swaps driven by random() % (n - i)."""
    if n < 0xFFFFFFFF // 20:
        perm = list(range(n))
        if n > 1:
            offsets = (gen._random32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
            for i, z in enumerate(offsets):
                j = i + z
                perm[i], perm[j] = perm[j], perm[i]
        return np.array(perm, np.int64).astype(np_dtype)
    # torch's "inside-out" variant for huge n, fed by random64()
    words = gen._random64(n) % np.arange(1, n + 1, dtype=np.uint64)
    perm = np.empty(n, np.int64)
    for i, z in enumerate(words.tolist()):
        perm[i] = perm[z]
        perm[z] = i
    return perm.astype(np_dtype)


# ============================================================ other distributions
def bernoulli_scalar(gen, n, p):
    """bernoulli_distribution<double>(p) per element: a double uniform below p."""
    return _uniform01_double(gen, n) < float(p)


def bernoulli_tensor(gen, p):
    """Per-element bernoulli with probabilities p (already in iteration order).

    float64 p compares against double uniforms; other dtypes use float uniforms.
    """
    p = np.asarray(p)
    if p.dtype == _F64:
        return _uniform01_double(gen, p.size).reshape(p.shape) < p
    return _uniform01_float(gen, p.size).reshape(p.shape) < p.astype(_F32)


def exponential(gen, n, lambd):
    """exponential_distribution<double>: -1/lambda * log1p(-u)."""
    u = _uniform01_double(gen, n)
    return (-1.0 / float(lambd)) * _libm(math.log1p, -u)


def cauchy(gen, n, median, sigma):
    """cauchy_distribution<double>: median + sigma * tan(pi * (u - 0.5))."""
    u = _uniform01_double(gen, n)
    t = _libm(math.tan, math.pi * (u - 0.5))
    return _fma64(float(sigma), t, float(median))


def log_normal(gen, n, mean, std):
    """lognormal_distribution<double>: exp of normal_distribution<double>."""
    return _libm(math.exp, normal_serial(gen, n, mean, std))


def geometric(gen, n, p):
    """geometric_distribution<double>: ceil(log(u) / log1p(-p))."""
    u = _uniform01_double(gen, n)
    with np.errstate(divide="ignore"):
        return np.ceil(_libm(math.log, u) / math.log1p(-float(p)))


def multinomial_with_replacement(gen, probs, n_sample):
    """torch's CPU multinomial kernel: per row, a normalised running sum searched
    with one double uniform per sample.  probs is 2-D (rows, categories)."""
    calc = _F32 if probs.dtype == _F16 else probs.dtype
    rows = probs.shape[0]
    out = np.empty((rows, n_sample), np.int64)
    for i in range(rows):
        row = probs[i].astype(calc)
        cum = np.cumsum(row, dtype=calc)
        cum = cum / cum[-1]
        cum[-1] = 1
        u = _uniform01_double(gen, n_sample)
        out[i] = np.searchsorted(cum.astype(_F64), u, side="left")
    return out


def poisson(gen, rates):
    """sample_poisson for each rate (torch's transformed rejection above 10,
    multiplication of uniforms below), drawing uniforms one at a time as torch does."""
    rates = np.asarray(rates, _F64).ravel()
    out = np.empty(rates.size, _F64)
    for idx, lam in enumerate(rates.tolist()):
        out[idx] = _poisson_one(gen, lam)
    return out


def _uniform_one(gen):
    return (int(gen._random64(1)[0]) & ((1 << 53) - 1)) * 2.0 ** -53


def _poisson_one(gen, lam):
    if lam >= 10:
        slam = math.sqrt(lam)
        loglam = math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = _uniform_one(gen) - 0.5
            v = _uniform_one(gen)
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):
                return k
    if lam == 0:
        return 0
    enlam = math.exp(-lam)
    count, prod = 0, 1.0
    while True:
        prod *= _uniform_one(gen)
        if prod > enlam:
            count += 1
        else:
            return count
