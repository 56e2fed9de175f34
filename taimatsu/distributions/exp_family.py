"""torch.distributions.exp_family: entropy of exponential families by autograd."""
import taimatsu as torch  # torch's formulas read unchanged

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    r"""
    Base class for exponential families, whose density has the form
    :math:`p_{F}(x; \theta) = \exp(\langle t(x), \theta\rangle - F(\theta) + k(x))`.
    Entropy and same-family KL divergence follow from the log normalizer :math:`F`
    by automatic differentiation (Bregman divergences).
    """

    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def entropy(self):
        """Entropy via the Bregman divergence of the log normalizer."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = torch.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result += lg_normal
        for np, g in zip(nparams, gradients):
            result -= (np * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
