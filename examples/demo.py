"""Train a small network on a real data set: Fisher's Iris flowers (1936).

150 flowers, 4 measurements each (sepal and petal length and width, in cm), 3 species.
A 4-16-3 MLP learns to tell the species apart from 120 flowers and is scored on the
30 it never saw.  Everything is plain PyTorch code run by taimatsu:

    python examples/demo.py          # `make demo` runs examples/tour.py, then this
"""
import csv
import pathlib
import time

import taimatsu as torch
from taimatsu import nn
from taimatsu.utils.data import DataLoader, TensorDataset, random_split

DATA = pathlib.Path(__file__).resolve().parent / "data" / "iris.csv"
EPOCHS = 60


def load_iris(path=DATA):
    """Features as a float32 (150, 4) tensor, species as int64 class indices."""
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    feature_names = [name for name in rows[0] if name != "species"]
    species = sorted({row["species"] for row in rows})
    X = torch.tensor([[float(row[name]) for name in feature_names] for row in rows])
    y = torch.tensor([species.index(row["species"]) for row in rows])
    return X, y, feature_names, species


def accuracy(model, X, y):
    with torch.no_grad():
        return (model(X).argmax(dim=1) == y).float().mean().item()


def confusion_matrix(model, X, y, n_classes):
    with torch.no_grad():
        predicted = model(X).argmax(dim=1)
    matrix = torch.zeros(n_classes, n_classes, dtype=torch.int64)
    for true, guess in zip(y.tolist(), predicted.tolist()):
        matrix[true, guess] += 1
    return matrix


def main():
    start = time.perf_counter()
    torch.manual_seed(0)
    X, y, feature_names, species = load_iris()
    print(f"Iris: {X.shape[0]} flowers, features {feature_names}, classes {species}")
    print("per-class counts:", torch.bincount(y).tolist())

    # a seeded generator makes the split the same on every run (and the same as PyTorch's)
    train_set, test_set = random_split(TensorDataset(X, y), [120, 30],
                                       generator=torch.Generator().manual_seed(42))
    X_train, y_train = X[train_set.indices], y[train_set.indices]
    X_test, y_test = X[test_set.indices], y[test_set.indices]

    # standardise with the training flowers' statistics only: the test set stays unseen
    mean, std = X_train.mean(dim=0), X_train.std(dim=0)
    print("training mean", mean, "std", std, sep="\n  ")
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))
    print(model)

    def net(x):
        return model((x - mean) / std)

    loader = DataLoader(train_set, batch_size=16, shuffle=True)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

    print(f"\ntraining for {EPOCHS} epochs of {len(loader)} mini-batches "
          "(mean cross-entropy per epoch, ten epochs a row)")
    losses = []
    for epoch in range(1, EPOCHS + 1):
        total = 0.0
        for xb, yb in loader:
            loss = loss_fn(net(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        losses.append(total / len(train_set))
        if epoch % 10 == 0:
            row = " ".join(f"{v:.3f}" for v in losses[-10:])
            print(f"  epochs {epoch - 9:2d}-{epoch:2d}: {row}"
                  f"   train acc {accuracy(net, X_train, y_train):.3f}")

    print("\nconfusion matrix on the 30 test flowers (rows: true, columns: predicted)")
    matrix = confusion_matrix(net, X_test, y_test, len(species))
    width = max(map(len, species))
    print(" " * (width + 2) + "".join(f"{s:>{width + 1}s}" for s in species))
    for name, counts in zip(species, matrix.tolist()):
        print(f"  {name:{width}s}" + "".join(f"{c:{width + 1}d}" for c in counts))
    print(f"\ntrained in {time.perf_counter() - start:.1f} s")
    print(f"test accuracy: {accuracy(net, X_test, y_test):.3f}")


if __name__ == "__main__":
    main()
