"""Chapter 3 of the R torch book, "Tensors", as a Python program.

What a tensor is (values, dtype, device, shape), how to make one from values, from
specifications and from data, operations and summaries, indexing, views and strides,
reshaping and broadcasting.  Each step prints what it shows.

    python examples/book_ch03_tensors.py
"""
import numpy as np

import taimatsu as torch


def section(title):
    print(f"\n== {title} " + "=" * max(0, 66 - len(title)))


def show(label, value):
    text = str(value)
    print(f"{label}:" + ("\n" + text if "\n" in text else " " + text))


section("3.1 what is a tensor")
t1 = torch.tensor([1.0])
show("torch.tensor([1.0])", t1)
print("dtype", t1.dtype, "| device", t1.device, "| shape", t1.shape)
show("converted with .to(dtype=torch.int32)", t1.to(dtype=torch.int32))
show("reshaped with .view(1, 1)", t1.view(1, 1))

section("3.2.1 tensors from values")
show("a vector of integers (int64 by default)", torch.tensor([1, 2, 3, 4, 5]))
show("a 3 x 3 matrix from numpy", torch.tensor(np.arange(1, 10).reshape(3, 3)))
# R fills arrays column-major: order="F" reproduces the book's array(1:24, dim = c(4, 3, 2))
a = torch.tensor(np.arange(1, 25).reshape(4, 3, 2, order="F"))
print("an R array of dim (4, 3, 2), shape", tuple(a.shape))
show("its first slice a[0]", a[0])

section("3.2.2 tensors from specifications")
torch.manual_seed(777)
show("torch.randn(3, 3), seed 777", torch.randn(3, 3))
show("torch.rand(3, 3): uniform on [0, 1)", torch.rand(3, 3))
show("torch.zeros(2, 5)", torch.zeros(2, 5))
show("torch.eye(3)", torch.eye(3))
show("torch.diag(torch.tensor([1., 2., 3.]))", torch.diag(torch.tensor([1.0, 2.0, 3.0])))
big = torch.randn(1000, 1000)
print(f"a million standard normals: mean {big.mean().item():.4f}, std {big.std().item():.4f}")
torch.manual_seed(1)
first = torch.randn(5)
torch.manual_seed(1)
print("the same seed gives the same draws:", torch.equal(first, torch.randn(5)))

section("3.2.3 tensors from data sets")
# the first three years of the Johnson & Johnson quarterly earnings series
jj = torch.tensor([0.71, 0.63, 0.85, 0.44, 0.61, 0.69, 0.92, 0.55, 0.72, 0.77, 0.92, 0.60])
show("JohnsonJohnson[1:12]", jj)
print("as a 3 x 4 matrix (years x quarters), yearly means:", jj.view(3, 4).mean(dim=1))
try:
    torch.tensor(["south san francisco", "oakland"])
except (TypeError, ValueError) as e:
    print(f"strings are not numbers -> {type(e).__name__}: {e}")
days = np.array(["2012-06-28", "2012-06-29"], dtype="datetime64[D]").astype(np.int64)
show("dates become days since 1970-01-01", torch.tensor(days))
na = torch.tensor([1.0, float("nan"), 3.0])
show("missing values become NaN", na)
print("quantile(0.5):", torch.quantile(na, 0.5), "| nanquantile(0.5):", torch.nanquantile(na, 0.5))

section("3.3 operations")
t1 = torch.tensor([1.0, 2.0])
t2 = torch.tensor([3.0, 4.0])
print("torch.add(t1, t2) =", torch.add(t1, t2), "and t1.add(t2) =", t1.add(t2))
t1.add_(t2)
print("after t1.add_(t2) (trailing underscore: in place) t1 =", t1)
t1 = torch.tensor([1, 2, 3])
t2 = torch.tensor([4, 5, 6])
print("dot product:", torch.dot(t1, t2), "| element-wise:", torch.multiply(t1, t2))
m4 = torch.arange(1, 13).view(4, 3)
show("a 4 x 3 matrix times a vector", torch.matmul(m4, t1))

section("3.3.1 summary operations")
m = torch.tensor([[i * j for j in range(1, 7)] for i in range(1, 4)])
show("m", m)
print("m.sum() =", m.sum().item())
print("m.sum(dim=0) collapses the rows:   ", m.sum(dim=0))
print("m.sum(dim=1) collapses the columns:", m.sum(dim=1))
torch.manual_seed(0)
ts = torch.randn(4, 3, 2)
print("a (4, 3, 2) tensor: mean over dims (0, 1) has shape", tuple(ts.mean(dim=(0, 1)).shape),
      "| mean over dim 1 has shape", tuple(ts.mean(dim=1).shape))

section("3.4 indexing and slicing")
t = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
print("t[0, :] =", t[0, :], "shape", tuple(t[0, :].shape))
print("t[0:1, :] keeps the dimension (R's drop = FALSE): shape", tuple(t[0:1, :].shape))
print("t[-1, -1] =", t[-1, -1].item(), "(Python counts from 0, -1 is the last)")
t = torch.arange(1, 21).view(2, 10)
show("every second column of the first eight, t[:, 0:8:2]", t[:, 0:8:2])
try:
    t[:, ::-1]
except ValueError as e:
    print("a negative step is refused:", e)
x = torch.randn(2, 2, 2, 2)
print("x.shape", tuple(x.shape), "| x[0, ...]", tuple(x[0, ...].shape),
      "| x[..., 0]", tuple(x[..., 0].shape))

section("3.5 reshaping: views and strides")
t = torch.zeros(24)
t2 = t.view(2, 12)
t2[0, 0] = 5.0
print("t.view(2, 12) shares storage:", t2.data_ptr() == t.data_ptr(),
      "| writing t2[0, 0] = 5 makes t[0] =", t[0].item())
t = torch.arange(1, 16).view(3, 5)
tt = t.t()
print("t: shape", tuple(t.shape), "stride", t.stride(),
      "| t.t(): shape", tuple(tt.shape), "stride", tt.stride(),
      "contiguous?", tt.is_contiguous())
try:
    tt.view(15)
except RuntimeError as e:
    print("tt.view(15) fails:", str(e).split(".")[0] + ".")
r = tt.reshape(15)
print("tt.reshape(15) copies instead:", r, "| new storage:", r.data_ptr() != t.data_ptr())
x = torch.rand(3)
print("unsqueeze(0):", tuple(x.unsqueeze(0).shape), "| unsqueeze(1):", tuple(x.unsqueeze(1).shape),
      "| squeeze() again:", tuple(x.unsqueeze(0).squeeze().shape))

section("3.6 broadcasting")
m = torch.arange(1, 16).view(3, 5)
show("m + torch.arange(1, 6): the vector is added to every row", m + torch.arange(1, 6))
print("shapes (3, 7, 1) and (1, 5) broadcast to", tuple(torch.broadcast_shapes((3, 7, 1), (1, 5))))
try:
    torch.zeros(4, 3, 2, 1).add(torch.ones(4, 3, 2))
except RuntimeError as e:
    print("(4, 3, 2, 1) + (4, 3, 2) fails:", e)
