"""torch.nn: modules, parameters, functional forms, initialisers.

The layers are torch.nn.modules' (one list of names, kept there), as torch.nn re-exports
them."""
from . import functional, init, utils
from . import modules as _modules
from .modules import *  # noqa: F403
from .modules.module import (register_module_forward_hook, register_module_forward_pre_hook,
                             register_module_full_backward_hook,
                             register_module_full_backward_pre_hook)
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter
from . import parallel
from .parallel import DataParallel

__all__ = list(_modules.__all__) + [
    "Buffer", "DataParallel", "Parameter", "UninitializedBuffer", "UninitializedParameter",
    "functional", "parallel",
    "init", "register_module_forward_hook", "register_module_forward_pre_hook",
    "register_module_full_backward_hook", "register_module_full_backward_pre_hook", "utils",
]
