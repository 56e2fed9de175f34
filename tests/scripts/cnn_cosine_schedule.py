"""cnn_cosine_schedule: a tutorial-style program, run unmodified on torch and on taimatsu."""
import torch
import torch.nn as nn
torch.manual_seed(0)
net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                    nn.Dropout2d(0.2), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, stride=2), nn.GELU(),
                    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 5))
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4, nesterov=True)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=6)
x = torch.randn(16, 3, 12, 12)
y = torch.randint(0, 5, (16,))
ds = torch.utils.data.TensorDataset(x, y)
dl = torch.utils.data.DataLoader(ds, batch_size=5, shuffle=True, drop_last=False)
for epoch in range(3):
    net.train()
    tot = 0
    for xb, yb in dl:
        loss = nn.functional.cross_entropy(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    sched.step()
    net.eval()
    with torch.no_grad():
        acc = (net(x).argmax(1) == y).float().mean().item()
    print(epoch, f"{tot / len(ds):.4f}", f"{acc:.3f}", f"{sched.get_last_lr()[0]:.5f}")
print(net[1].running_mean[:3], net[1].num_batches_tracked)
print(sum(p.numel() for p in net.parameters()))
