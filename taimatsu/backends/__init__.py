"""torch.backends: the flags programs read and set (`cudnn.benchmark = True`,
`mps.is_available()`).  taimatsu computes with numpy, so no accelerated backend is
available and the flags change nothing."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
