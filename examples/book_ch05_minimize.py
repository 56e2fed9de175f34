"""Chapter 5 of the R torch book, "Function minimization with autograd", in Python.

Gradient descent on the Rosenbrock function f(x1, x2) = (a - x1)^2 + b (x2 - x1^2)^2
with a = 1, b = 5, from (-1, 1), learning rate 0.01, 1000 steps.  autograd supplies
the gradient; the update runs under no_grad and the gradient is zeroed after each
step, because backward() accumulates.  The log is the one the book prints.

    python examples/book_ch05_minimize.py
"""
import taimatsu as torch

a, b = 1, 5


def rosenbrock(x):
    x1 = x[0]
    x2 = x[1]
    return (a - x1) ** 2 + b * (x2 - x1 ** 2) ** 2


def analytic_gradient(x1, x2):
    """The gradient worked out by hand, to compare with autograd's."""
    return [-2 * (a - x1) - 4 * b * x1 * (x2 - x1 ** 2), 2 * b * (x2 - x1 ** 2)]


lr = 0.01
num_iterations = 1000
x = torch.tensor([-1.0, 1.0], requires_grad=True)
print(f"f(x1, x2) = ({a} - x1)^2 + {b} (x2 - x1^2)^2, minimum 0 at (1, 1)")
print(f"start at {x.tolist()}, f = {rosenbrock(x).item()}, lr {lr}, {num_iterations} steps\n")

value = rosenbrock(x)
value.backward()
print("at the start, autograd's gradient:", x.grad.tolist())
print("             the hand-derived one:", analytic_gradient(*x.tolist()))
print("the graph of f:", value.grad_fn.name(), "<-",
      [fn.name() for fn, _ in value.grad_fn.next_functions if fn is not None], "\n")
x.grad.zero_()

path = [x.tolist()]
for i in range(1, num_iterations + 1):
    value = rosenbrock(x)
    value.backward()
    if i % 100 == 0:
        print(f"Iteration: {i:4d}  Value is: {value.item():<12.7g}  Gradient is: "
              f"[{x.grad[0].item():.7g}, {x.grad[1].item():.7g}]")
    with torch.no_grad():
        x.sub_(lr * x.grad)         # in place: x stays the same leaf tensor
        x.grad.zero_()              # or the next backward() adds to this gradient
    path.append(x.tolist())

print("\nx after 1000 steps:", x)
print(f"distance to the minimum (1, 1): {((x - 1) ** 2).sum().sqrt().item():.4f}")
print("the path, every 200 steps:", [[round(v, 3) for v in path[i]] for i in range(0, 1001, 200)])
