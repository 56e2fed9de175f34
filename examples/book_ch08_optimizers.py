"""Chapter 8 of the R torch book, "Optimizers", in Python.

torch.optim replaces the hand-written update of chapters 5 and 6.  The chapter
compares plain SGD, SGD with momentum, Adagrad, RMSprop and Adam on two
paraboloids: an isotropic one, where one well-chosen step suffices, and an
anisotropic one, f(x) = 0.2 x1^2 + 2 x2^2 - 5, where plain SGD crawls, zig-zags
or diverges depending on the learning rate.  (examples/optimizer_paths.py draws
the paths.)

    python examples/book_ch08_optimizers.py
"""
import taimatsu as torch
from taimatsu import nn, optim


def run(make_opt, f, start, steps):
    """Minimise f from start; return the path as a (steps + 1, 2) tensor."""
    x = torch.tensor(start, requires_grad=True)
    opt = make_opt([x])
    path = [x.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        f(x).backward()
        opt.step()
        path.append(x.detach().clone())
    return torch.stack(path)


def iso(x):
    return 0.2 * x[0] ** 2 + 0.2 * x[1] ** 2 - 5


def aniso(x):
    return 0.2 * x[0] ** 2 + 2 * x[1] ** 2 - 5


def steps_to(path, f, tol=1e-3):
    """The first step at which f is within tol of its minimum -5 (None: never)."""
    for i, p in enumerate(path):
        if f(p).item() + 5 < tol:
            return i
    return None


def fmt(points):
    return " ".join(f"({a:6.2f},{b:6.2f})" for a, b in points.tolist())


print("== isotropic paraboloid 0.2 x1^2 + 0.2 x2^2 - 5 ==")
path = run(lambda p: optim.SGD(p, lr=2.5), iso, [6.0, 6.0], 1)
print("SGD with lr 2.5 (= 1 / (2 * 0.2)) from (6, 6) in one step:", fmt(path))

print("\n== anisotropic paraboloid 0.2 x1^2 + 2 x2^2 - 5, from (-8, 4) ==")
start = [-8.0, 4.0]
for lr, what in [(0.2, "slow"), (0.45, "zig-zag"), (0.52, "diverges")]:
    path = run(lambda p, lr=lr: optim.SGD(p, lr=lr), aniso, start, 200)
    print(f"SGD lr {lr:4}: {what:8s} first steps {fmt(path[1:4])}  "
          f"f after 200 steps {aniso(path[-1]).item():.4g}")
# along x2 the step multiplies x2 by (1 - 4 lr): below lr 0.25 it shrinks from one side,
# between 0.25 and 0.5 it flips sign each step, above 0.5 it grows
n_sgd = steps_to(run(lambda p: optim.SGD(p, lr=0.2), aniso, start, 300), aniso)

print("\n== the adaptive methods ==")
methods = {
    "SGD lr 0.2": lambda p: optim.SGD(p, lr=0.2),
    "momentum 0.5": lambda p: optim.SGD(p, lr=0.2, momentum=0.5),
    "Adagrad lr 3.7": lambda p: optim.Adagrad(p, lr=3.7),
    "RMSprop lr 0.1": lambda p: optim.RMSprop(p, lr=0.1),
    "Adam lr 0.5": lambda p: optim.Adam(p, lr=0.5),
}
for name, make in methods.items():
    path = run(make, aniso, start, 300)
    n = steps_to(path, aniso)
    print(f"{name:15s} reaches f < -5 + 1e-3 after {n!s:>4} steps; "
          f"after 10 steps at {fmt(path[10:11])}")

print("\n== optimizer state ==")
p = nn.Parameter(torch.ones(3))
opt = optim.Adam([p], lr=0.01, betas=(0.9, 0.999))
print(opt)
p.sum().backward()
opt.step()
print("after one step Adam moved every coordinate by lr:", p.detach())
state = opt.state_dict()
print("state_dict()['state'][0]:")
for key, value in state["state"][0].items():
    print(f"  {key}: {value}")
opt.zero_grad()
print("after zero_grad() p.grad is", p.grad, "(set to None, not zeroed, by default)")

print("\n== chapter 6's network with nn.Sequential, nn.MSELoss and Adam ==")
torch.manual_seed(777)
x = torch.randn(100, 3)
y = x.matmul(torch.tensor([-0.2, 1.3, 5.6])).unsqueeze(1) + torch.randn(100, 1)
net = nn.Sequential(nn.Linear(3, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = optim.Adam(net.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for epoch in range(200):
    loss = loss_fn(net(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if epoch % 40 == 0 or epoch == 199:
        print(f"epoch {epoch:3d}  mse {loss.item():.4f}")
