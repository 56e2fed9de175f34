"""The optimizer comparison of the R torch book's chapter 8, drawn.

Five optimizers start from (-8, 4) on the anisotropic paraboloid
f(x) = 0.2 x1^2 + 2 x2^2 - 5: plain SGD, SGD with momentum, Adagrad, RMSprop and
Adam, with the book's learning rates.  Their paths are drawn over the contour
lines of f into a PNG (one panel per optimizer, and the value of f against the
step), which needs matplotlib, the optional `plot` extra:

    pip install -e '.[plot]'                     # or: pip install matplotlib
    python examples/optimizer_paths.py [--out optimizer_paths.png] [--steps 60]

Without matplotlib the paths are printed as text.
"""
import argparse

import taimatsu as torch
from taimatsu import optim

START = [-8.0, 4.0]
OPTIMIZERS = {
    "SGD (lr 0.2)": lambda p: optim.SGD(p, lr=0.2),
    "SGD + momentum (lr 0.2, 0.5)": lambda p: optim.SGD(p, lr=0.2, momentum=0.5),
    "Adagrad (lr 3.7)": lambda p: optim.Adagrad(p, lr=3.7),
    "RMSprop (lr 0.1)": lambda p: optim.RMSprop(p, lr=0.1),
    "Adam (lr 0.5)": lambda p: optim.Adam(p, lr=0.5),
}


def f(x):
    return 0.2 * x[..., 0] ** 2 + 2 * x[..., 1] ** 2 - 5


def path_of(make_opt, steps, start=START):
    """The points an optimizer visits, as a (steps + 1, 2) tensor."""
    x = torch.tensor(start, requires_grad=True)
    opt = make_opt([x])
    points = [x.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        f(x).backward()
        opt.step()
        points.append(x.detach().clone())
    return torch.stack(points)


def print_paths(paths, every=5):
    for name, path in paths.items():
        print(f"{name}:")
        for i in range(0, len(path), every):
            x1, x2 = path[i].tolist()
            print(f"  step {i:3d}  x = ({x1:8.4f}, {x2:8.4f})  f = {f(path[i]).item():9.5f}")


def plot_paths(paths, out):
    """Contours of f with each optimizer's path, and f against the step, into `out`."""
    import matplotlib
    matplotlib.use("Agg")                       # files only: no display needed
    import matplotlib.pyplot as plt

    x1 = torch.linspace(-10, 10, 201)
    x2 = torch.linspace(-5, 5, 101)
    g1, g2 = torch.meshgrid(x1, x2, indexing="xy")
    z = f(torch.stack([g1, g2], dim=-1)).numpy()
    levels = [-4.9, -4.5, -4, -3, -1, 1, 4, 8, 13, 20, 30, 45]

    fig, axes = plt.subplots(2, 3, figsize=(15, 6.5))
    for ax, (name, path), color in zip(axes.flat, paths.items(), plt.cm.tab10.colors):
        ax.contour(g1.numpy(), g2.numpy(), z, levels=levels, colors="0.7", linewidths=0.8,
                   negative_linestyles="solid")
        p = path.numpy()
        ax.plot(p[:, 0], p[:, 1], "-o", color=color, markersize=3, linewidth=1.2)
        ax.plot(*START, "ks", markersize=6)
        ax.plot(0, 0, "k*", markersize=10)
        ax.set(title=name, xlim=(-10, 10), ylim=(-5, 5), xlabel="x1", ylabel="x2")
        ax.set_aspect("equal")
    ax = axes.flat[-1]
    for (name, path), color in zip(paths.items(), plt.cm.tab10.colors):
        ax.semilogy((f(path) + 5).numpy(), color=color, label=name)
    ax.set(title="f(x) - min f, per step", xlabel="step", ylim=(1e-6, 100))
    ax.legend(fontsize=8)
    fig.suptitle("Optimizers on f(x) = 0.2 x1² + 2 x2² - 5, from (-8, 4)")
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="optimizer_paths.png", help="the PNG to write")
    parser.add_argument("--steps", type=int, default=60, help="steps per optimizer")
    args = parser.parse_args(argv)

    paths = {name: path_of(make, args.steps) for name, make in OPTIMIZERS.items()}
    for name, path in paths.items():
        x1, x2 = path[-1].tolist()
        print(f"{name:29s} after {args.steps} steps: x = ({x1:8.4f}, {x2:8.4f}), "
              f"f = {f(path[-1]).item():.6f}")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("\nmatplotlib is not installed, so here are the paths as text.")
        print_paths(paths)
        print("\nTo draw them, install the plot extra: pip install -e '.[plot]' "
              "(or pip install matplotlib)")
        return
    plot_paths(paths, args.out)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
