"""torch.special: the special functions taimatsu provides, under torch's names."""
from .._ops.elementwise import erf, erfc, erfinv, exp2, expm1, log1p, logit, round, sinc, xlogy
from .._ops.reduction import logsumexp
from .._ops.special import (digamma, entr, erfcx, expit, gammaln, i0, i0e, i1, i1e, log_ndtr,
                            multigammaln, ndtr, ndtri, polygamma, psi, xlog1py, zeta)


def softmax(input, dim, *, dtype=None):
    from .._ops.activation import softmax as _softmax
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    from .._ops.activation import log_softmax as _log_softmax
    return _log_softmax(input, dim, dtype=dtype)


__all__ = ["digamma", "entr", "erf", "erfc", "erfcx", "erfinv", "exp2", "expit", "expm1",
           "gammaln", "i0", "i0e", "i1", "i1e", "log1p", "log_ndtr", "log_softmax", "logit",
           "logsumexp", "multigammaln", "ndtr", "ndtri", "polygamma", "psi", "round", "sinc",
           "softmax", "xlog1py", "xlogy", "zeta"]
