"""torch.nn.parallel: DataParallel, as torch runs it without GPUs (the wrapped module
itself, under the name `module`, so state_dict keys carry torch's `module.` prefix), and
the DistributedDataParallel name, which needs a process group (torch.distributed)."""
from ..modules.module import Module

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]


class DataParallel(Module):
    """Replicates nothing: with no GPU, torch's DataParallel calls the module itself."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids = []
        self.output_device = output_device
        self.dim = dim
        self.src_device_obj = None

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0,
                  module_kwargs=None):
    raise RuntimeError("device type could not be determined")


class DistributedDataParallel(Module):
    """Gradients averaged across processes: it needs torch.distributed's process group,
    which taimatsu does not have yet, so constructing one fails as torch's does without
    init_process_group."""

    def __init__(self, module, *args, **kwargs):
        super().__init__()
        raise ValueError("Default process group has not been initialized, please make sure to "
                         "call init_process_group.")
