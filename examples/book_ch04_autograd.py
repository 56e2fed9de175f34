"""Chapter 4 of the R torch book, "Autograd", as a Python program.

The function f(x1, x2) = 0.2 x1^2 + 0.2 x2^2 - 5 is built step by step as a
computation graph.  The program prints the graph autograd records, the gradients
backward() computes, how intermediate gradients are kept (retain_grad), how
gradients accumulate, and how no_grad / detach stop the recording.

    python examples/book_ch04_autograd.py
"""
import textwrap
import warnings

import taimatsu as torch


def section(title):
    print(f"\n== {title} " + "=" * max(0, 66 - len(title)))


def print_graph(fn, leaves, depth=0):
    """Walk grad_fn.next_functions from the output back to the leaves."""
    label = fn.name()
    if hasattr(fn, "variable"):                 # AccumulateGrad: where a leaf gets its .grad
        name = next(n for n, t in leaves.items() if t is fn.variable)
        label += f"  -> {name}.grad"
    print("    " + "  " * depth + label)
    for next_fn, _ in fn.next_functions:
        if next_fn is not None:
            print_graph(next_fn, leaves, depth + 1)


section("building the graph")
x1 = torch.tensor([2.0], requires_grad=True)
x2 = torch.tensor([2.0], requires_grad=True)
x3 = x1.square()
x5 = x3 * 0.2
x4 = x2.square()
x6 = x4 * 0.2
x7 = x5 + x6 - 5
print("x1 =", x1, " x2 =", x2)
print("x7 = 0.2 x1^2 + 0.2 x2^2 - 5 =", x7)
print("x1 is a leaf:", x1.is_leaf, "| x7 is a leaf:", x7.is_leaf,
      "| x7 requires grad:", x7.requires_grad)
print("each result remembers the function that made it (grad_fn):")
for name, t in [("x1", x1), ("x3", x3), ("x5", x5), ("x7", x7)]:
    print(f"    {name}.grad_fn: {t.grad_fn.name() if t.grad_fn is not None else None}")
print("the whole graph, from x7 back to the leaves x1 and x2:")
print_graph(x7.grad_fn, {"x1": x1, "x2": x2})

section("backward")
x7.backward()
print("df/dx1 = 0.4 x1 =", x1.grad, "  df/dx2 = 0.4 x2 =", x2.grad)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print("x3.grad =", x3.grad, "(an intermediate result keeps no gradient)")
if caught:
    print("    warning:", textwrap.shorten(str(caught[0].message), 96))

section("retain_grad keeps intermediate gradients")
x1 = torch.tensor([2.0], requires_grad=True)
x2 = torch.tensor([2.0], requires_grad=True)
x3 = x1.square()
x4 = x2.square()
x5 = x3 * 0.2
x6 = x4 * 0.2
for t in (x3, x4, x5, x6):
    t.retain_grad()
x7 = x5 + x6 - 5
x7.backward()
for name, t in [("x3", x3), ("x4", x4), ("x5", x5), ("x6", x6)]:
    print(f"    d x7 / d {name} = {t.grad.item():.1f}")
try:
    x7.backward()
except RuntimeError as e:
    print("a second backward():", str(e).split(".")[0] + ".")
    print("    (pass retain_graph=True to the first backward to keep the graph)")

section("gradients accumulate until zeroed")
x = torch.tensor([1.0, 2.0], requires_grad=True)
for i in range(1, 4):
    (x * x).sum().backward()
    print(f"    after backward #{i}: x.grad = {x.grad}")
x.grad.zero_()
print("    after x.grad.zero_():", x.grad)

section("non-scalar outputs need a gradient argument")
y = x * 3
try:
    y.backward()
except RuntimeError as e:
    print("y.backward() on a vector:", e)
y.backward(torch.tensor([1.0, 10.0]))
print("y.backward(torch.tensor([1., 10.])) gives the vector-Jacobian product:", x.grad)

section("no_grad and detach stop the recording")
with torch.no_grad():
    z = x * 2
print("under no_grad: z.requires_grad =", z.requires_grad, "| z.grad_fn =", z.grad_fn)
print("x.detach().requires_grad =", x.detach().requires_grad,
      "| recording enabled again:", torch.is_grad_enabled())
