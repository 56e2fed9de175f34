"""torch.optim: optimizers and learning-rate schedulers."""
from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD

# as torch.optim, the submodules are reachable by import only (torch.optim.adam.adam is the
# functional form, torch.optim.Adam the class)
del adadelta, adagrad, adam, adamax, adamw, lbfgs, nadam, optimizer, radam, rmsprop, sgd

__all__ = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "NAdam", "Optimizer",
           "RAdam", "RMSprop", "SGD", "lr_scheduler"]
