"""torch.utils.data against the oracle: samplers and loaders give torch's batches for
the same seed, collation builds torch's structures, workers seed and fail as torch's."""
import collections
import multiprocessing
import warnings

import numpy as np
import pytest
from conftest import load_oracle
from harness import assert_same

import taimatsu as tm
import taimatsu.utils.data as tud

torch = load_oracle()
tdata = torch.utils.data

Point = collections.namedtuple("Point", "x y")


def pair(n=10, width=2):
    """The same TensorDataset for both libraries."""
    x = np.arange(n * width, dtype=np.float32).reshape(n, width)
    y = np.arange(n)
    return (tud.TensorDataset(tm.tensor(x), tm.tensor(y)),
            tdata.TensorDataset(torch.tensor(x), torch.tensor(y)))


def assert_batches(ours, theirs):
    ours, theirs = list(ours), list(theirs)
    assert len(ours) == len(theirs)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert_same(o, t, what=f"batch {i}")


# ----------------------------------------------------------------------------- samplers
@pytest.mark.parametrize("seed", [0, 1, 1234])
@pytest.mark.parametrize("batch_size,drop_last", [(4, False), (4, True), (3, False), (10, False)])
def test_shuffled_loader_matches_torch(seed, batch_size, drop_last):
    ours_ds, torch_ds = pair(10)
    tm.manual_seed(seed)
    torch.manual_seed(seed)
    for _ in range(2):  # a second epoch reshuffles from the moved generator
        assert_batches(tud.DataLoader(ours_ds, batch_size, shuffle=True, drop_last=drop_last),
                       tdata.DataLoader(torch_ds, batch_size, shuffle=True,
                                        drop_last=drop_last))
    # the default generator has moved exactly as torch's has
    assert bytes(tm.random.get_rng_state().numpy()) == bytes(torch.get_rng_state().numpy())


def test_loader_generator_argument():
    ours_ds, torch_ds = pair(13)
    g, tg = tm.Generator().manual_seed(7), torch.Generator().manual_seed(7)
    assert_batches(tud.DataLoader(ours_ds, 5, shuffle=True, generator=g),
                   tdata.DataLoader(torch_ds, 5, shuffle=True, generator=tg))


@pytest.mark.parametrize("kwargs", [dict(replacement=True, num_samples=70),
                                    dict(replacement=True), dict(num_samples=23),
                                    dict(num_samples=4)])
def test_random_sampler(kwargs):
    tm.manual_seed(3)
    torch.manual_seed(3)
    ours = list(tud.RandomSampler(range(10), **kwargs))
    assert ours == list(tdata.RandomSampler(range(10), **kwargs))
    g, tg = tm.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    assert list(tud.RandomSampler(range(10), generator=g, **kwargs)) == \
        list(tdata.RandomSampler(range(10), generator=tg, **kwargs))
    assert len(tud.RandomSampler(range(10), **kwargs)) == len(ours)


def test_subset_and_weighted_samplers():
    g, tg = tm.Generator().manual_seed(11), torch.Generator().manual_seed(11)
    indices = [3, 9, 4, 7, 1]
    assert list(tud.SubsetRandomSampler(indices, g)) == \
        list(tdata.SubsetRandomSampler(indices, tg))
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    for replacement in (True, False):
        ours = tud.WeightedRandomSampler(weights, 5, replacement, generator=g)
        theirs = tdata.WeightedRandomSampler(weights, 5, replacement, generator=tg)
        assert list(ours) == list(theirs) and len(ours) == 5
    with pytest.raises(ValueError, match="num_samples should be a positive integer value"):
        tud.WeightedRandomSampler(weights, 0)
    with pytest.raises(ValueError, match=r"weights should be a 1d sequence but given weights "
                                         r"have shape \(1, 6\)"):
        tud.WeightedRandomSampler([weights], 2)


def test_batch_sampler():
    for drop_last in (False, True):
        ours = tud.BatchSampler(tud.SequentialSampler(range(10)), 3, drop_last)
        theirs = tdata.BatchSampler(tdata.SequentialSampler(range(10)), 3, drop_last)
        assert list(ours) == list(theirs) and len(ours) == len(theirs)
    for bad in (0, True, 1.5):
        with pytest.raises(ValueError, match=f"batch_size={bad}"):
            tud.BatchSampler(range(3), bad, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        tud.BatchSampler(range(3), 2, 1)


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [0.34, 0.33, 0.33]])
def test_random_split_matches_torch(lengths):
    tm.manual_seed(42)
    torch.manual_seed(42)
    ours = tud.random_split(range(10), lengths)
    theirs = tdata.random_split(range(10), lengths)
    assert [list(s) for s in ours] == [list(s) for s in theirs]
    g, tg = tm.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    assert [s.indices for s in tud.random_split(range(10), lengths, generator=g)] == \
        [s.indices for s in tdata.random_split(range(10), lengths, generator=tg)]


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        tud.random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        tud.random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        tud.random_split(range(2), [0.9, 0.1])


# ----------------------------------------------------------------------------- datasets
def test_datasets():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        tud.TensorDataset(tm.zeros(3), tm.zeros(4))
    ds, _ = pair(5)
    assert len(ds) == 5 and ds[2][1].item() == 2
    cat = tud.ConcatDataset([range(3), range(10, 14)])
    assert len(cat) == 7 and [cat[i] for i in (0, 3, 6, -1, -7)] == [0, 10, 13, 13, 0]
    assert cat.cumulative_sizes == [3, 7]
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        cat[-8]
    stack = tud.StackDataset(a=range(3), b=range(10, 13))
    assert stack[1] == {"a": 1, "b": 11}
    assert stack.__getitems__([0, 2]) == [{"a": 0, "b": 10}, {"a": 2, "b": 12}]
    assert tud.StackDataset(range(2), range(5, 7)).__getitems__([1]) == [(1, 6)]
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        tud.StackDataset(range(2), range(3))
    sub = tud.Subset(range(10, 20), [4, 1])
    assert len(sub) == 2 and sub[0] == 14 and sub.__getitems__([1, 0]) == [11, 14]
    assert isinstance(ds + ds, tud.ConcatDataset)


def test_fast_tensor_path_equals_general_path():
    """TensorDataset batches are gathered in one go; a subclass takes the general path
    (getitem per row, then stack): both give the same batches."""
    class Plain(tud.TensorDataset):
        def __getitem__(self, index):
            return super().__getitem__(index)

    def batches(dataset):
        tm.manual_seed(0)
        split = tud.random_split(dataset, [12, 8])[0]
        return list(tud.DataLoader(split, batch_size=5, shuffle=True))

    x, y = tm.randn(20, 3), tm.arange(20)
    fast, general = batches(tud.TensorDataset(x, y)), batches(Plain(x, y))
    for (fx, fy), (gx, gy) in zip(fast, general, strict=True):
        assert tm.equal(fx, gx) and tm.equal(fy, gy)
    assert [b[1].shape[0] for b in fast] == [5, 5, 2]


def test_out_of_range_index_raises_torchs_error():
    ours_ds, torch_ds = pair(4)
    with pytest.raises(IndexError) as ours:
        next(iter(tud.DataLoader(ours_ds, sampler=[[0, 9]], batch_size=None)))
    with pytest.raises(IndexError) as theirs:
        next(iter(tdata.DataLoader(torch_ds, sampler=[[0, 9]], batch_size=None)))
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(IndexError, match="index 9 is out of bounds for dimension 0 with size 4"):
        next(iter(tud.DataLoader(ours_ds, batch_sampler=[[0, 9]])))


def test_batches_keep_the_graph():
    w = tm.ones(6, 2, requires_grad=True)
    (xb,) = next(iter(tud.DataLoader(tud.TensorDataset(w), batch_size=3)))
    assert xb.grad_fn is not None
    (xb * 2).sum().backward()
    assert w.grad[:3].tolist() == [[2.0, 2.0]] * 3 and w.grad[3:].abs().sum().item() == 0


# ---------------------------------------------------------------------------- collation
def collate_both(batch_of):
    """default_collate of the same samples built with each library."""
    return tud.default_collate(batch_of(tm)), tdata.default_collate(batch_of(torch))


@pytest.mark.parametrize("batch_of", [
    lambda m: [m.tensor([1, 2]), m.tensor([3, 4])],
    lambda m: [m.tensor([1, 2]), m.tensor([3.0, 4.0])],   # promoted as torch.stack does
    lambda m: [m.tensor(1.5), m.tensor(2.5)],
    lambda m: [np.array([1, 2], np.int32), np.array([3, 4], np.int32)],
    lambda m: [np.float32(1), np.float32(2)],
    lambda m: [1.5, 2],
    lambda m: [1, 2],
    lambda m: [True, False],
])
def test_collate_leaves(batch_of):
    ours, theirs = collate_both(batch_of)
    assert_same(ours, theirs)


def test_collate_structures():
    ours, theirs = collate_both(lambda m: [{"a": m.tensor([i]), "b": (i, float(i)),
                                            "s": f"s{i}", "p": Point(i, [i, i])}
                                           for i in range(3)])
    assert type(ours) is dict and list(ours) == ["a", "b", "s", "p"]
    assert_same(ours["a"], theirs["a"])
    assert isinstance(ours["b"], list)  # tuples come back as lists, as in torch
    assert_same(ours["b"], theirs["b"])
    assert ours["s"] == theirs["s"] == ["s0", "s1", "s2"]
    assert type(ours["p"]) is Point
    assert_same(ours["p"].x, theirs["p"].x)
    assert_same(ours["p"].y, theirs["p"].y)
    ordered = tud.default_collate([collections.OrderedDict(z=1, a=2)] * 2)
    assert type(ordered) is collections.OrderedDict and list(ordered) == ["z", "a"]


@pytest.mark.parametrize("batch_of", [
    lambda m: [m.ones(2), m.ones(3)],
    lambda m: [[1, 2], [1]],
    lambda m: [object()],
    lambda m: [np.array(["a"])],
])
def test_collate_errors(batch_of):
    with pytest.raises(Exception) as ours:
        tud.default_collate(batch_of(tm))
    with pytest.raises(Exception) as theirs:
        tdata.default_collate(batch_of(torch))
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_default_convert():
    out = tud.default_convert({"a": np.arange(3), "b": (np.float64(2.0), "x")})
    assert isinstance(out["a"], tm.Tensor) and out["a"].dtype == tm.int64
    assert isinstance(out["b"], list) and out["b"][0].dtype == tm.float64 and out["b"][1] == "x"
    loader = tud.DataLoader([np.ones(2), np.zeros(2)], batch_size=None)
    assert [b.tolist() for b in loader] == [[1.0, 1.0], [0.0, 0.0]]


# ------------------------------------------------------------------------------ loaders
class Count(tud.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = tud.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


def test_loader_lengths_and_options():
    ds, _ = pair(10)
    assert len(tud.DataLoader(ds, batch_size=3)) == 4
    assert len(tud.DataLoader(ds, batch_size=3, drop_last=True)) == 3
    assert len(tud.DataLoader(Count(10), batch_size=4)) == 3
    assert [b.tolist() for b in tud.DataLoader(Count(5), batch_size=2, drop_last=True)] == \
        [[0, 1], [2, 3]]
    sampler_batches = [b[1].tolist() for b in
                       tud.DataLoader(ds, batch_sampler=[[0, 1], [7], [9, 8, 2]])]
    assert sampler_batches == [[0, 1], [7], [9, 8, 2]]
    assert list(tud.DataLoader(range(3), batch_size=None)) == [0, 1, 2]
    loader = tud.DataLoader(ds)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        loader.batch_size = 3


@pytest.mark.parametrize("kwargs", [
    dict(shuffle=True, sampler=[0]),
    dict(batch_sampler=[[0]], batch_size=2),
    dict(batch_size=None, drop_last=True),
    dict(num_workers=-1),
    dict(timeout=-1),
    dict(prefetch_factor=2),
    dict(persistent_workers=True),
    dict(multiprocessing_context="spawn"),
    dict(num_workers=1, multiprocessing_context="nonsense"),
])
def test_loader_argument_errors(kwargs):
    with pytest.raises(Exception) as ours:
        tud.DataLoader(range(4), **kwargs)
    with pytest.raises(Exception) as theirs:
        tdata.DataLoader(range(4), **kwargs)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_iterable_dataset_rejects_shuffle():
    with pytest.raises(ValueError, match="expected unspecified shuffle option, but got "
                                         "shuffle=True"):
        tud.DataLoader(Count(3), shuffle=True)


def test_pin_memory_is_a_warning_only():
    with pytest.warns(UserWarning, match="no accelerator is found"):
        batches = list(tud.DataLoader(range(4), batch_size=2, pin_memory=True))
    assert [b.tolist() for b in batches] == [[0, 1], [2, 3]]


# ------------------------------------------------------------------------------ workers
class WhoAmI(tud.Dataset):
    """Each sample tells which worker made it and what the worker's generators say."""

    def __len__(self):
        return 8

    lib, data = tm, tud

    def __getitem__(self, i):
        info = self.data.get_worker_info()
        return [i, info.id, info.seed, self.lib.initial_seed(), int(np.random.randint(1 << 30))]


class TorchWhoAmI(WhoAmI):
    lib, data = torch, tdata


class InitSeen(tud.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return getattr(self, "init_id", -1)


def record_init(worker_id):
    tud.get_worker_info().dataset.init_id = worker_id * 10


class Faulty(tud.Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        if i == 4:
            raise ValueError(f"bad sample {i}")
        return i


def fork():
    return multiprocessing.get_context("fork")


def test_workers_seed_and_order_as_torch():
    tm.manual_seed(0)
    torch.manual_seed(0)
    ours = list(tud.DataLoader(WhoAmI(), batch_size=2, num_workers=2,
                               multiprocessing_context=fork()))
    theirs = list(tdata.DataLoader(TorchWhoAmI(), batch_size=2, num_workers=2,
                                   multiprocessing_context=fork()))
    # samples in order, batches alternate between workers, seeds are base_seed + id,
    # numpy is seeded per worker as torch seeds it
    assert [[c.tolist() for c in b] for b in ours] == [[c.tolist() for c in b] for b in theirs]


def test_worker_error_names_worker_and_traceback():
    loader = tud.DataLoader(Faulty(), batch_size=2, num_workers=2,
                            multiprocessing_context=fork())
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    with pytest.raises(ValueError) as err:
        list(it)
    message = str(err.value)
    assert message.startswith("Caught ValueError in DataLoader worker process 0.\n"
                              "Original Traceback (most recent call last):\n")
    assert "in __getitem__" in message and "ValueError: bad sample 4" in message


def test_workers_iterable_and_persistent():
    loader = tud.DataLoader(Count(7), batch_size=2, num_workers=2, persistent_workers=True,
                            multiprocessing_context=fork(), worker_init_fn=record_init,
                            prefetch_factor=1)
    for _ in range(2):
        got = sorted(x for b in loader for x in b.tolist())
        assert got == list(range(7))
    assert all(w.is_alive() for w in loader._iterator._workers)
    loader._iterator._shutdown_workers()
    loader = tud.DataLoader(InitSeen(), batch_size=1, num_workers=2, timeout=5,
                            multiprocessing_context=fork(), worker_init_fn=record_init)
    assert [b.item() for b in loader] == [0, 10, 0, 10]


def test_spawn_workers():
    """The spawn start method: the dataset and worker_init_fn travel by pickle (both
    from taimatsu, so that the children need not import this test module and torch)."""
    x = tm.arange(12.0).reshape(6, 2)
    loader = tud.DataLoader(tud.TensorDataset(x, tm.arange(6)), batch_size=4, num_workers=2,
                            multiprocessing_context="spawn", worker_init_fn=tm.manual_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5]]
    assert tm.equal(batches[1][0], x[4:])
