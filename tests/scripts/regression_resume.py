"""Regression with Adam, schedulers, early stopping and a checkpoint to resume from."""
import copy
import io
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(42)
X = torch.linspace(-3, 3, 200).unsqueeze(1)
y = torch.sin(X) + 0.1 * torch.randn_like(X)
dataset = TensorDataset(X, y)
train_set, val_set = random_split(dataset, [160, 40], generator=torch.Generator().manual_seed(1))
print(len(train_set), len(val_set), train_set.indices[:5])
train_loader = DataLoader(train_set, batch_size=16, shuffle=True, drop_last=True)
val_loader = DataLoader(val_set, batch_size=40)


class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        x = torch.tanh(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.out(x)


model = MLP()
n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"trainable parameters: {n_params}")
optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=5, gamma=0.5)


def evaluate(model):
    model.eval()
    total = 0.0
    with torch.no_grad():
        for xb, yb in val_loader:
            total += F.mse_loss(model(xb), yb, reduction="sum").item()
    return total / len(val_loader.dataset)


def run_epoch(model, optimizer):
    model.train()
    running = 0.0
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        optimizer.step()
        running += loss.item() * xb.size(0)
    return running / (len(train_loader) * train_loader.batch_size)


best, best_state, patience, bad = float("inf"), None, 3, 0
for epoch in range(12):
    train_loss = run_epoch(model, optimizer)
    val_loss = evaluate(model)
    scheduler.step()
    print(f"epoch {epoch:2d} train {train_loss:.5f} val {val_loss:.5f} "
          f"lr {scheduler.get_last_lr()[0]:.5f}")
    if val_loss < best - 1e-4:
        best, bad = val_loss, 0
        best_state = copy.deepcopy(model.state_dict())
    else:
        bad += 1
        if bad >= patience:
            print("early stopping")
            break

model.load_state_dict(best_state)
print(f"best val {evaluate(model):.5f}")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pt")
    torch.save({"epoch": epoch, "model_state_dict": model.state_dict(),
                "optimizer_state_dict": optimizer.state_dict(),
                "scheduler_state_dict": scheduler.state_dict(), "loss": best}, path)
    checkpoint = torch.load(path)

print(sorted(checkpoint.keys()))
print(checkpoint["optimizer_state_dict"]["param_groups"][0]["lr"],
      checkpoint["scheduler_state_dict"]["last_epoch"])
resumed = MLP()
resumed.load_state_dict(checkpoint["model_state_dict"])
optimizer2 = torch.optim.Adam(resumed.parameters(), lr=0.01, weight_decay=1e-4)
optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
print(optimizer2.state_dict()["state"][0]["step"], optimizer2.param_groups[0]["lr"])
print(f"resumed val {evaluate(resumed):.5f}")

cosine = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer2, T_max=4, eta_min=1e-4)
for epoch in range(4):
    train_loss = run_epoch(resumed, optimizer2)
    cosine.step()
    print(f"resume {epoch} train {train_loss:.5f} val {evaluate(resumed):.5f} "
          f"lr {optimizer2.param_groups[0]['lr']:.6f}")

buffer = io.BytesIO()
torch.save(resumed.state_dict(), buffer)
buffer.seek(0)
state = torch.load(buffer, weights_only=True)
print([(k, tuple(v.shape)) for k, v in state.items()])
with torch.inference_mode():
    preds = resumed(torch.tensor([[-1.5], [0.0], [1.5]]))
print([round(v, 4) for v in preds.squeeze(1).tolist()])
print(torch.round(preds, decimals=3))
