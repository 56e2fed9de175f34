"""Training networks, as the neural-network textbook chapter does it.

The same logistic-regression model trained four ways on two Gaussian blobs, each
shorter than the last: (1) the primitive loop with a hand-written loss and update,
(2) nn.Sequential with BCEWithLogitsLoss, (3) torch.optim.SGD, (4) an nn.Module
class.  Then two concentric circles: a single layer cannot separate them, a
network with one hidden layer can (its decision map is drawn in text).

The data come from scikit-learn's make_blobs / make_circles when scikit-learn is
installed, otherwise from numpy draws of the same kind.

    python examples/textbook_training.py
"""
import numpy as np

import taimatsu as torch
from taimatsu.utils.data import DataLoader, TensorDataset


def blobs():
    """50 points in two Gaussian blobs (std 0.6) in the plane, labels 0 / 1."""
    try:
        from sklearn.datasets import make_blobs
    except ImportError:
        rng = np.random.default_rng(129)
        labels = np.arange(50) % 2
        centers = np.array([[1.3, -4.9], [2.0, -8.5]])
        return centers[labels] + rng.normal(0, 0.6, (50, 2)), labels
    return make_blobs(n_samples=50, centers=2, random_state=129, cluster_std=.6)


def circles():
    """100 points on two noisy concentric circles (radii 1 and 0.1): outer 0, inner 1."""
    try:
        from sklearn.datasets import make_circles
    except ImportError:
        rng = np.random.default_rng(9)
        angles = np.linspace(0, 2 * np.pi, 50, endpoint=False)
        ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        points = np.concatenate([ring, 0.1 * ring]) + rng.normal(0, 0.1, (100, 2))
        return points, np.repeat([0, 1], 50)
    return make_circles(100, factor=.1, noise=.1, random_state=9)


def as_tensors(data):
    X, labels = data
    return (torch.from_numpy(X).type(torch.float),
            torch.from_numpy(labels.reshape(-1, 1)).type(torch.float))


def accuracy(model, X, Y):
    """The share of points on the right side of the decision boundary (logit 0)."""
    with torch.no_grad():
        return ((model(X) > 0).float() == Y).float().mean().item()


def rounded(t):
    return [round(v, 4) for v in t.detach().flatten().tolist()]


def history(losses, every):
    return " ".join(f"{v:.2f}" for v in losses[::every])


def train_sgd(model, loader, epochs, lr=0.5):
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total)
    return losses


def primitive(loader, X, Y):
    """The model and the loss written out: sigmoid(x w + b), the negative log-likelihood."""
    w = torch.randn(2, 1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
    eta = 0.01
    losses = []
    for _ in range(300):
        sumloss = 0.0
        for x, y in loader:
            y_hat = (x.matmul(w) + b).sigmoid()
            likelihood = y * y_hat + (1 - y) * (1 - y_hat)
            loss = -likelihood.log().sum()
            sumloss += loss.item()
            loss.backward()
            with torch.no_grad():
                w -= eta * w.grad
                b -= eta * b.grad
                w.grad.zero_()
                b.grad.zero_()
        losses.append(sumloss)
    print("loss per epoch, every 30th:", history(losses, 30))
    print(f"w = {rounded(w)}, b = {b.item():.4f}, "
          f"accuracy {accuracy(lambda x: x.matmul(w) + b, X, Y):.2f}")


def sequential(loader, X, Y):
    """nn.Sequential holds the parameters; BCEWithLogitsLoss folds in the sigmoid."""
    model = torch.nn.Sequential(torch.nn.Linear(2, 1, bias=True))
    print(model)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    eta = 0.1
    for _ in range(100):
        for x, y in loader:
            loss = loss_fn(model(x), y)
            model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in model.parameters():
                    param -= eta * param.grad
    print("state_dict:", {k: rounded(v) for k, v in model.state_dict().items()})
    print(f"accuracy {accuracy(model, X, Y):.2f}")


class SingleLayerNN(torch.nn.Module):
    def __init__(self, d_in, d_out):
        super().__init__()
        self.linear1 = torch.nn.Linear(d_in, d_out, bias=True)

    def forward(self, x):
        return self.linear1(x)


def decision_map(model, X, Y, rows=21, cols=43):
    """The plane as text: the model's class (. or #) with the data on top (o for 0, x for 1)."""
    xs = torch.linspace(-1.4, 1.4, cols)
    ys = torch.linspace(1.4, -1.4, rows)
    grid = torch.stack(torch.meshgrid(ys, xs, indexing="ij")[::-1], dim=-1).reshape(-1, 2)
    with torch.no_grad():
        inside = (model(grid) > 0).reshape(rows, cols).tolist()
    chars = [["#" if v else "." for v in row] for row in inside]
    for (px, py), label in zip(X.tolist(), Y.flatten().tolist()):
        c = round((px + 1.4) / 2.8 * (cols - 1))
        r = round((1.4 - py) / 2.8 * (rows - 1))
        if 0 <= r < rows and 0 <= c < cols:
            chars[r][c] = "x" if label else "o"
    return "\n".join("    " + "".join(row) for row in chars)


def main():
    torch.manual_seed(0)
    X, Y = as_tensors(blobs())
    print(f"two blobs: X {tuple(X.shape)} {X.dtype}, Y {tuple(Y.shape)}, first point {X[:1]}")
    loader = DataLoader(TensorDataset(X, Y), batch_size=4, shuffle=True)
    sizes = [len(xb) for xb, _ in loader]
    print(f"DataLoader(batch_size=4, shuffle=True): {len(sizes)} batches, sizes {sizes}")

    print("\n== 1. the primitive implementation (300 epochs) ==")
    primitive(loader, X, Y)
    print("\n== 2. nn.Sequential and BCEWithLogitsLoss (100 epochs) ==")
    sequential(loader, X, Y)
    print("\n== 3. torch.optim.SGD does the update (100 epochs) ==")
    model = torch.nn.Sequential(torch.nn.Linear(2, 1, bias=True))
    losses = train_sgd(model, loader, 100)
    print("loss per epoch, every 10th:", history(losses, 10))
    print(f"accuracy {accuracy(model, X, Y):.2f}")
    print("\n== 4. the network as an nn.Module class (100 epochs) ==")
    model = SingleLayerNN(2, 1)
    print(model)
    train_sgd(model, loader, 100)
    print(f"accuracy {accuracy(model, X, Y):.2f}")

    print("\n== circles: one layer against two ==")
    X, Y = as_tensors(circles())
    loader = DataLoader(TensorDataset(X, Y), batch_size=4, shuffle=True)
    single = torch.nn.Sequential(torch.nn.Linear(2, 1, bias=True))
    train_sgd(single, loader, 100)
    double = torch.nn.Sequential(
        torch.nn.Linear(2, 4, bias=True),
        torch.nn.Sigmoid(),
        torch.nn.Linear(4, 1, bias=True),
    )
    losses = train_sgd(double, loader, 300)
    print("two layers, loss per epoch, every 30th:", history(losses, 30))
    print("the two-layer network's decision map (# predicts the inner circle):")
    print(decision_map(double, X, Y))
    print(f"circles: single layer accuracy {accuracy(single, X, Y):.2f}, "
          f"two layers {accuracy(double, X, Y):.2f}")


if __name__ == "__main__":
    main()
