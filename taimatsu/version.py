"""torch.version: the PyTorch API version taimatsu follows, and what it was built with.

`__version__` ("2.13.0+taimatsu.<release>") compares as PyTorch 2.13.0, whose API taimatsu
follows (libraries requiring "torch >= 2" accept it); its local label names taimatsu and
its own release, which is also `release` here and the installed package's metadata
(`importlib.metadata.version("taimatsu")`).  No CUDA, HIP or XPU build."""
from .torch_version import TorchVersion

release = "0.1.0"
__version__ = TorchVersion(f"2.13.0+taimatsu.{release}")
cuda = None
hip = None
rocm = None
xpu = None
debug = False
git_version = "unknown"
