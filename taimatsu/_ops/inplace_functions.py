"""torch.exp2_, torch.clamp_ and friends: in-place methods also offered as functions."""
from .._tensor import Tensor
from . import activation, elementwise
from .inplace import make_inplace

exp2_, expm1_, log2_, log10_ = Tensor.exp2_, Tensor.expm1_, Tensor.log2_, Tensor.log10_
log1p_, rsqrt_, reciprocal_, tan_ = Tensor.log1p_, Tensor.rsqrt_, Tensor.reciprocal_, Tensor.tan_
asin_, acos_, atan_ = Tensor.asin_, Tensor.acos_, Tensor.atan_
arcsin_, arccos_, arctan_ = Tensor.arcsin_, Tensor.arccos_, Tensor.arctan_
sinh_, cosh_, asinh_, acosh_ = Tensor.sinh_, Tensor.cosh_, Tensor.asinh_, Tensor.acosh_
atanh_, arcsinh_, arccosh_, arctanh_ = (Tensor.atanh_, Tensor.arcsinh_, Tensor.arccosh_,
                                       Tensor.arctanh_)
erf_, erfc_, sinc_, logit_ = Tensor.erf_, Tensor.erfc_, Tensor.sinc_, Tensor.logit_
clamp_, clip_ = Tensor.clamp_, Tensor.clip_
clamp_min_, clamp_max_ = Tensor.clamp_min_, Tensor.clamp_max_
floor_, ceil_, round_ = Tensor.floor_, Tensor.ceil_, Tensor.round_
trunc_, fix_, xlogy_ = Tensor.trunc_, Tensor.fix_, Tensor.xlogy_
nan_to_num_, deg2rad_, rad2deg_ = Tensor.nan_to_num_, Tensor.deg2rad_, Tensor.rad2deg_
sin_, cos_ = Tensor.sin_, Tensor.cos_
relu_ = make_inplace(elementwise.relu)
selu_ = make_inplace(activation.selu)
celu_ = make_inplace(activation.celu)
rrelu_ = activation.rrelu_
