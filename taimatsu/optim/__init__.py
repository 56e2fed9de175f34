"""torch.optim: optimizers and learning-rate schedulers."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

# as in torch.optim, the submodules are reachable by import only (torch.optim.adam.adam is
# the functional form, torch.optim.Adam the class)
del adadelta, adagrad, adam, adamax, adamw, asgd, lbfgs  # noqa: F821
del nadam, optimizer, radam, rmsprop, rprop, sgd  # noqa: F821

__all__ = ["ASGD", "LBFGS", "SGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "NAdam",
           "Optimizer", "RAdam", "RMSprop", "Rprop", "lr_scheduler", "swa_utils"]


def __getattr__(name):
    # torch.optim.swa_utils, loaded on first use (it needs torch.nn)
    if name == "swa_utils":
        import importlib
        return importlib.import_module(".swa_utils", __name__)
    raise AttributeError(f"module 'torch.optim' has no attribute {name!r}")
