"""torch.onnx: importable, as tutorials import it at the top; exporting is not possible
(taimatsu records no graph that ONNX could describe), and says so."""

__all__ = ["export", "is_in_onnx_export"]


def is_in_onnx_export():
    return False


def export(model, args=(), f=None, *a, **kwargs):
    raise RuntimeError("taimatsu cannot export to ONNX: torch.onnx.export needs PyTorch's "
                       "TorchScript or dynamo graphs (save the state_dict with torch.save "
                       "and export from PyTorch)")
