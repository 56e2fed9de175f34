"""A small CNN with batch norm on scikit-learn's 8x8 digits."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
digits = load_digits()
# float64: in float32, three epochs of Nesterov momentum with batch norm amplify the last-bit
# differences between BLAS builds (OpenBLAS, MKL) past any fixed tolerance, depending on the
# machine; in float64 the two libraries print the same digits
images = torch.tensor(digits.images[:600], dtype=torch.float64).unsqueeze(1) / 16.0
labels = torch.tensor(digits.target[:600])
print(images.shape, images.dtype, labels[:10])
train = TensorDataset(images[:480], labels[:480])
test = TensorDataset(images[480:], labels[480:])
loader = DataLoader(train, batch_size=32, shuffle=True)


class DigitNet(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 2 * 2, 32),
            nn.BatchNorm1d(32),
            nn.ReLU(),
            nn.Dropout(0.25),
            nn.Linear(32, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


def init_weights(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        nn.init.zeros_(m.bias)
    elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        nn.init.constant_(m.bias, 0.01)


model = DigitNet().double()
model.apply(init_weights)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
print("buffers:", [(name, tuple(b.shape)) for name, b in model.named_buffers()])
for name, module in model.named_modules():
    if isinstance(module, (nn.Conv2d, nn.BatchNorm2d)):
        print(name, type(module).__name__, module.weight.shape)

criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
for epoch in range(3):
    model.train()
    total, seen = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad(set_to_none=True)
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(xb)
        seen += len(xb)
    print(f"epoch {epoch} loss {total / seen:.4f}")

bn = model.features[1]
print("running_mean", bn.running_mean)
print("running_var", bn.running_var)
print("num_batches_tracked", bn.num_batches_tracked)

model.eval()
with torch.no_grad():
    xt, yt = test.tensors
    logits = model(xt)
    pred = logits.argmax(dim=1)
    acc = (pred == yt).float().mean().item()
print(f"test accuracy {acc:.3f}")
print("confusion diag", torch.bincount(yt[pred == yt], minlength=10).tolist())
probs = F.softmax(logits[:3], dim=1)
print(probs.max(dim=1))
print(sorted(model.state_dict().keys())[:6])
