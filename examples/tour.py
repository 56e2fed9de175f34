"""A short tour of taimatsu: tensors, views, autograd, and the book's Rosenbrock descent.

    python examples/tour.py          # `make demo` runs it before training on Iris
"""
import taimatsu as torch


def section(title):
    print(f"\n== {title} " + "=" * (60 - len(title)))


section("tensors")
t = torch.tensor([[1, 2, 3], [4, 5, 6]])
print("t =", t, sep="\n")
print("dtype", t.dtype, "shape", t.shape, "stride", t.stride())
x = torch.linspace(0, 1, 5)
print("linspace:", x)
print("broadcast:", (t * x[:3]).sum(dim=0))

section("views share storage")
flat = t.view(6)
flat[0] = 100
print("after flat[0] = 100, t[0] is", t[0])
tt = t.t()
print("t.t() is contiguous?", tt.is_contiguous(), "stride", tt.stride())
try:
    tt.view(6)
except RuntimeError as e:
    print("view of a transpose:", str(e).split(".")[0])

section("autograd")
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(3.0, requires_grad=True)
y = a * b + a ** 2
print("y =", y)
y.backward()
print("dy/da =", a.grad.item(), " dy/db =", b.grad.item())
print("the graph from y back to the leaves:")
stack = [(y.grad_fn, 0)]
while stack:
    fn, depth = stack.pop()
    print("   " + "  " * depth + fn.name())
    stack.extend((f, depth + 1) for f, _ in fn.next_functions if f is not None)

section("Rosenbrock descent (lr 0.01, 1000 steps)")


def rosenbrock(x):
    return (1 - x[0]) ** 2 + 5 * (x[1] - x[0] ** 2) ** 2


x = torch.tensor([-1.0, 1.0], requires_grad=True)
for i in range(1, 1001):
    value = rosenbrock(x)
    value.backward()
    if i % 200 == 0:
        print(f"iteration {i:4d}  value {value.item():.7g}  gradient {x.grad.tolist()}")
    with torch.no_grad():
        x.sub_(0.01 * x.grad)
        x.grad.zero_()
print("minimum found at", x)
