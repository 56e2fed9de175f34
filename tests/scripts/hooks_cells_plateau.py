"""Forward hooks for features, a gradient penalty, LSTMCell decoding over padded
sequences, GroupNorm, ReduceLROnPlateau and weighted sampling."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Subset, TensorDataset, WeightedRandomSampler

torch.manual_seed(5)
lengths = [5, 3, 4, 2, 5, 1]
seqs = [torch.randn(n, 3) for n in lengths]
batch = pad_sequence(seqs, batch_first=True)
print(batch.shape, batch[5, 1:].abs().sum().item())


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(3, 6)
        self.norm = nn.GroupNorm(2, 6)
        self.out = nn.Linear(6, 2)

    def forward(self, x):
        h = c = x.new_zeros(x.size(0), 6)
        for t in range(x.size(1)):
            h, c = self.cell(x[:, t], (h, c))
        return self.out(self.norm(h))


model = Decoder()
features = {}
model.norm.register_forward_hook(lambda mod, inp, out: features.update(norm=out.detach()))
targets = torch.tensor([0, 1, 0, 1, 1, 0])
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.5)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
for step in range(8):
    optimizer.zero_grad()
    padded = F.pad(batch, (0, 0, 0, 1), value=0.5)
    inputs = padded.clone().requires_grad_(True)
    logits = model(inputs)
    loss = F.cross_entropy(logits, targets)
    (grad_in,) = torch.autograd.grad(loss, inputs, create_graph=True)
    penalty = grad_in.pow(2).sum()
    (loss + 0.1 * penalty).backward()
    optimizer.step()
    plateau.step(round(loss.item(), 1))
    print(f"step {step} loss {loss.item():.5f} penalty {penalty.item():.6f} "
          f"lr {optimizer.param_groups[0]['lr']}")
print("hooked", features["norm"].shape, features["norm"].mean(dim=1))
print(F.one_hot(targets, num_classes=3))

data = TensorDataset(torch.arange(20.0).view(10, 2), torch.arange(10) % 3)
subset = Subset(data, [0, 2, 4, 6, 8])
weights = torch.tensor([0.1, 0.1, 0.5, 1.0, 2.0])
sampler = WeightedRandomSampler(weights, num_samples=8, replacement=True)
for xb, yb in DataLoader(subset, batch_size=4, sampler=sampler):
    print(xb[:, 0].tolist(), yb.tolist())
