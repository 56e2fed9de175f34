"""Automatic differentiation, as the neural-network textbook chapter shows it.

Three computation graphs, each differentiated by autograd and printed next to the
derivatives worked out by hand:
  1. y = a x + b at (a, x, b) = (-2, 3, 4);
  2. the logistic loss of a one-layer network, -log(sigmoid(w . x)), at
     x = (1, -1), w = (1, 0.5), first with built-in functions, then with the
     elementary operations the chapter draws as a graph;
  3. the exercise: h = ReLU(W x + b), y_hat = sigmoid(h . q + c), trained against y = 0.

    python examples/textbook_autodiff.py
"""
import math

import taimatsu as torch


def graph_lines(fn, depth=0):
    """The graph below fn as indented lines, one node per line."""
    lines = ["    " + "  " * depth + fn.name().replace("torch::autograd::", "")]
    for next_fn, _ in fn.next_functions:
        if next_fn is not None:
            lines += graph_lines(next_fn, depth + 1)
    return lines


print("== 1. y = a x + b ==")
a = torch.tensor(-2.0, requires_grad=True)
x = torch.tensor(3.0, requires_grad=True)
b = torch.tensor(4.0, requires_grad=True)
y = a * x + b
y.backward()
print(f"y = {y.item()}  dy/da = x = {a.grad.item()}  dy/dx = a = {x.grad.item()}  "
      f"dy/db = 1 = {b.grad.item()}")
print("\n".join(graph_lines(y.grad_fn)))

print("\n== 2. the logistic loss -log(sigmoid(w . x)) ==")
x = torch.tensor([1, -1], dtype=torch.float)
w = torch.tensor([1.0, 0.5], dtype=torch.float, requires_grad=True)
loss = -torch.dot(x, w).sigmoid().log()
loss.backward()
mu = 0.5                                 # w . x
by_hand = [-(1 - 1 / (1 + math.exp(-mu))) * xi for xi in (1.0, -1.0)]
print(f"loss = {loss.item():.7f}   (log(1 + e^-0.5) = {math.log1p(math.exp(-mu)):.7f})")
print("w.grad =", w.grad, " by hand, -(1 - sigmoid(w.x)) x =", [round(g, 4) for g in by_hand])
print("\n".join(graph_lines(loss.grad_fn)))

print("\nthe same graph from elementary operations, as the chapter draws it:")
w = torch.tensor([1.0, 0.5], requires_grad=True)
alpha_beta = w * x                       # the two products
mu = alpha_beta.sum()                    # their sum
nodes = {"alpha_beta": alpha_beta, "mu": mu}
for t in nodes.values():
    t.retain_grad()
nll = -torch.log(1 / (1 + torch.exp(-mu)))
nll.backward()
print(f"loss = {nll.item():.7f}, w.grad = {w.grad}")
for name, t in nodes.items():
    print(f"  d loss / d {name} = {t.grad!r}")
print("\n".join(graph_lines(nll.grad_fn)))

print("\n== 3. the exercise: h = ReLU(W x + b), y_hat = sigmoid(h . q + c) ==")
W = torch.tensor([[1.0, 1.0], [-1.0, -1.0]], requires_grad=True)
q = torch.tensor([1.0, 1.0], requires_grad=True)
bb = torch.tensor([-0.5, 1.5], requires_grad=True)
c = torch.tensor(-1.5, requires_grad=True)
for point in ([0.0, 0.0], [1.0, 1.0]):
    h = torch.relu(W @ torch.tensor(point) + bb)
    y_hat = torch.sigmoid(h @ q + c)
    print(f"x = {point}: h = {h.tolist()} ({h.grad_fn.name()}), "
          f"y_hat = {y_hat.item()} ({y_hat.grad_fn.name()})")
loss = torch.nn.functional.binary_cross_entropy(y_hat, torch.tensor(0.0))
loss.backward()
print(f"at x = (1, 1) with target 0: loss = -log(1 - y_hat) = {loss.item():.7f} = log 2")
print("gradients (dloss/dz = y_hat - y = 0.5 at the output):")
for name, p in [("W", W), ("q", q), ("b", bb), ("c", c)]:
    print(f"  d loss / d {name} = {p.grad.tolist()}")
print("the second hidden unit is inactive (ReLU(-0.5) = 0), so its weights get no gradient")
