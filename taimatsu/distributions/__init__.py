r"""torch.distributions: parameterizable probability distributions and sampling
functions, for stochastic computation graphs and stochastic gradient estimators
(the score function / REINFORCE estimator via ``log_prob``, the pathwise estimator
via ``rsample``).

The distributions taimatsu has: Bernoulli, Categorical, Exponential, Independent,
Laplace, MultivariateNormal, Normal, OneHotCategorical(StraightThrough), Poisson and
Uniform, with kl_divergence for the pairs among them that torch defines.
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .uniform import Uniform

__all__ = [
    "Bernoulli",
    "Categorical",
    "Distribution",
    "Exponential",
    "ExponentialFamily",
    "Independent",
    "Laplace",
    "MultivariateNormal",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Poisson",
    "Uniform",
    "constraints",
    "kl_divergence",
    "register_kl",
]
