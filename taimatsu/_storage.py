"""torch.UntypedStorage: the bytes under a tensor and its views."""


class UntypedStorage:
    """The memory of a tensor's root array, as bytes (what `Tensor.untyped_storage()`
    gives): views of one tensor have storages with the same `data_ptr()`."""

    def __init__(self, root_array):
        self._array = root_array

    def data_ptr(self):
        from ._backend import backend_of_type
        return backend_of_type(type(self._array)).data_ptr(self._array)

    def nbytes(self):
        return self._array.nbytes

    size = nbytes

    def __len__(self):
        return self._array.nbytes

    def element_size(self):
        return 1

    @property
    def device(self):
        from ._backend import backend_of_type
        return backend_of_type(type(self._array)).device

    def tolist(self):
        from ._backend import backend_of_type
        host = backend_of_type(type(self._array)).to_host(self._array)
        return list(host.reshape(-1).view("uint8").tolist()) if host.flags.c_contiguous \
            else list(host.tobytes())

    def __repr__(self):
        return f" {self.tolist()}\n[torch.storage.UntypedStorage(device={self.device}) of " \
               f"size {self.nbytes()}]"
