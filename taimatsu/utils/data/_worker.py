"""What turns indices into batches, in the main process or in a worker process:
the fetchers, the worker loop and its seeding, and the wrapper that carries a
worker's exception (with its traceback) back to the main process."""
import os
import queue
import random
import sys
import traceback

from ..._backend import numpy as np
from ..._tensor import _wrap

# how long the worker loop and the main process wait on a queue before checking
# that the other side is still alive (torch's MP_STATUS_CHECK_INTERVAL)
MP_STATUS_CHECK_INTERVAL = 5.0

_worker_info = None


class WorkerInfo:
    """What a worker process knows about itself (get_worker_info() in a worker)."""

    __slots__ = ("id", "num_workers", "seed", "dataset")

    def __init__(self, id, num_workers, seed, dataset):
        for name, value in zip(self.__slots__, (id, num_workers, seed, dataset)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name, value):
        raise AttributeError(f"cannot assign to field '{name}'")

    def __repr__(self):
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"WorkerInfo({fields})"


def get_worker_info():
    """This worker's WorkerInfo, or None in the main process."""
    return _worker_info


class DatasetKind:
    Map = 0
    Iterable = 1

    @staticmethod
    def create_fetcher(kind, dataset, auto_collation, collate_fn, drop_last):
        if kind == DatasetKind.Map:
            return MapDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)
        return IterableDatasetFetcher(dataset, auto_collation, collate_fn, drop_last)


class IterableDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.dataset_iter = iter(dataset)
        self.ended = False

    def fetch(self, possibly_batched_index):
        if self.ended:
            raise StopIteration
        if self.auto_collation:
            data = []
            for _ in possibly_batched_index:
                try:
                    data.append(next(self.dataset_iter))
                except StopIteration:
                    self.ended = True
                    break
            if len(data) == 0 or (self.drop_last and len(data) < len(possibly_batched_index)):
                raise StopIteration
        else:
            data = next(self.dataset_iter)
        return self.collate_fn(data)


class MapDatasetFetcher:
    def __init__(self, dataset, auto_collation, collate_fn, drop_last):
        self.dataset = dataset
        self.auto_collation = auto_collation
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.rows = TensorRows.of(dataset) if auto_collation else None
        if self.rows is not None:
            from ._collate import default_collate
            if collate_fn is not default_collate:
                self.rows = None

    def fetch(self, possibly_batched_index):
        if self.auto_collation:
            if self.rows is not None:
                batch = self.rows.gather(possibly_batched_index)
                if batch is not None:
                    return batch
            if hasattr(self.dataset, "__getitems__") and self.dataset.__getitems__:
                data = self.dataset.__getitems__(possibly_batched_index)
            else:
                data = [self.dataset[idx] for idx in possibly_batched_index]
        else:
            data = self.dataset[possibly_batched_index]
        return self.collate_fn(data)


class TensorRows:
    """default_collate of rows of a TensorDataset (possibly seen through plain
    Subsets), done as one gather per tensor instead of a getitem per row and a stack.

    The result is the very one default_collate gives (a list with one stacked tensor
    per dataset tensor); anything unusual (indices that are not plain in-range
    integers) goes back to the general path so that errors stay torch's.
    """

    def __init__(self, tensors, index_maps):
        self.tensors = tensors
        self.length = len(tensors[0])
        self.index_maps = index_maps  # outermost Subset first

    @staticmethod
    def of(dataset):
        from .dataset import Subset, TensorDataset
        index_maps = []
        while type(dataset) is Subset:
            index_maps.append(dataset.indices)
            dataset = dataset.dataset
        if type(dataset) is not TensorDataset:
            return None
        tensors = dataset.tensors
        if any(t._requires_grad for t in tensors):
            return None  # stacking rows records the graph; a gather would record another
        maps = []
        for indices in index_maps:
            as_array = np.asarray(indices)
            if as_array.ndim != 1 or (as_array.size and as_array.dtype.kind not in "iu"):
                return None
            maps.append(as_array.astype(np.intp, copy=False))
        return TensorRows(tensors, maps)

    def gather(self, indices):
        idx = np.asarray(indices)
        if idx.ndim != 1 or idx.size == 0 or idx.dtype.kind not in "iu":
            return None
        for mapping in self.index_maps:
            if not _in_range(idx, len(mapping)):
                return None
            idx = mapping[idx]
        if not _in_range(idx, self.length):
            return None
        return [_wrap(t._data[idx]) for t in self.tensors]


def _in_range(idx, n):
    return -n <= idx.min() and idx.max() < n


class KeyErrorMessage(str):
    """A str whose repr is itself, so a KeyError shows a traceback readably."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception and its formatted traceback, picklable across processes."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exception = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exception


class IterableDatasetStopIteration:
    """A worker's copy of an IterableDataset is exhausted."""

    def __init__(self, worker_id):
        self.worker_id = worker_id


class ResumeIteration:
    """Persistent workers: start a new epoch."""

    def __init__(self, seed=None):
        self.seed = seed


def generate_state(base_seed, worker_id):
    """numpy's SeedSequence mixing of (worker_id, base_seed), as torch seeds numpy
    in each worker: four 32-bit words."""
    mask32 = 0xFFFFFFFF
    mult_a, mult_b = 0x931E8875, 0x58F38DED
    entropy = [worker_id, base_seed & mask32, base_seed >> 32, 0]
    hash_const_a = 0x43B0D7E5

    def hash_(value):
        nonlocal hash_const_a
        value = (value ^ hash_const_a) & mask32
        hash_const_a = (hash_const_a * mult_a) & mask32
        value = (value * hash_const_a) & mask32
        return (value ^ (value >> 16)) & mask32

    def mix(x, y):
        result = ((0xCA01F9DD * x) - (0x4973F715 * y)) & mask32
        return (result ^ (result >> 16)) & mask32

    pool = [hash_(e) for e in entropy]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hash_(pool[i_src]))
    hash_const_b = 0x8B51F9DD
    state = []
    for value in pool:
        value = (value ^ hash_const_b) & mask32
        hash_const_b = (hash_const_b * mult_b) & mask32
        value = (value * hash_const_b) & mask32
        state.append((value ^ (value >> 16)) & mask32)
    return state


class ManagerWatchdog:
    """Notices when the main process has gone (the worker is then re-parented)."""

    def __init__(self):
        self.manager_pid = os.getppid()
        self.manager_dead = False

    def is_alive(self):
        if not self.manager_dead:
            self.manager_dead = os.getppid() != self.manager_pid
        return not self.manager_dead


def _seed_worker(base_seed, worker_id):
    from ...random import manual_seed
    seed = base_seed + worker_id
    random.seed(seed)
    manual_seed(seed)
    np.random.seed(generate_state(base_seed, worker_id))
    return seed


def worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    """A worker process: fetch the batches whose indices arrive on index_queue and
    put (task index, batch or ExceptionWrapper) on data_queue, until told to stop."""
    global _worker_info
    try:
        seed = _seed_worker(base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                                  dataset=dataset)
        init_exception = None
        fetcher = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation,
                                                 collate_fn, drop_last)
        except Exception:
            init_exception = ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")
        iteration_end = False
        watchdog = ManagerWatchdog()
        while watchdog.is_alive():
            try:
                r = index_queue.get(timeout=MP_STATUS_CHECK_INTERVAL)
            except queue.Empty:
                continue
            if isinstance(r, ResumeIteration):
                data_queue.put((r, None))
                iteration_end = False
                fetcher = DatasetKind.create_fetcher(dataset_kind, dataset, auto_collation,
                                                     collate_fn, drop_last)
                continue
            if r is None:
                break
            if done_event.is_set() or iteration_end:
                continue
            idx, index = r
            if init_exception is not None:
                data, init_exception = init_exception, None
            else:
                try:
                    data = fetcher.fetch(index)
                except Exception as e:
                    if isinstance(e, StopIteration) and dataset_kind == DatasetKind.Iterable:
                        data = IterableDatasetStopIteration(worker_id)
                        iteration_end = True
                    else:
                        data = ExceptionWrapper(
                            where=f"in DataLoader worker process {worker_id}")
            data_queue.put((idx, data))
            del data, idx, index, r
    except KeyboardInterrupt:
        pass
    if done_event.is_set():
        data_queue.cancel_join_thread()
        data_queue.close()
