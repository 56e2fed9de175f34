"""Chapter 7 of the R torch book, "Modules", in Python.

nn.Linear holds a weight and a bias as Parameters and records one addmm when
called; nn.Sequential chains modules; a custom nn.Module registers every
Parameter assigned to it; state_dict() / load_state_dict() save and restore them.

    python examples/book_ch07_modules.py
"""
import taimatsu as torch
from taimatsu import nn

torch.manual_seed(777)

print("== nn.Linear ==")
layer = nn.Linear(in_features=5, out_features=16)
print(layer)
for name, p in layer.named_parameters():
    print(f"  {name}: shape {tuple(p.shape)}, {type(p).__name__}, requires_grad={p.requires_grad}")
print("  parameters in all:", sum(p.numel() for p in layer.parameters()),
      "(the weight is stored out x in, as libtorch stores it)")
bound = 1 / 5 ** 0.5
print(f"  initialised uniformly in [-1/sqrt(5), 1/sqrt(5)] = [-{bound:.4f}, {bound:.4f}]: "
      f"max |w| = {layer.weight.abs().max().item():.4f}")

x = torch.randn(50, 5)
output = layer(x)
print(f"  layer(x) for x of shape {tuple(x.shape)}: shape {tuple(output.shape)}, "
      f"grad_fn {output.grad_fn.name()}")
output.mean().backward()
print("  after output.mean().backward(), weight.grad has shape", tuple(layer.weight.grad.shape))
print("  each of its 16 rows is x.mean(dim=0) / 16, since every output unit sees the same x:")
print("   ", layer.weight.grad[0])
print("   ", x.mean(dim=0) / 16)

print("\n== nn.Sequential ==")
mlp = nn.Sequential(
    nn.Linear(10, 32),
    nn.ReLU(),
    nn.Linear(32, 64),
    nn.ReLU(),
    nn.Linear(64, 1),
)
print(mlp)
out = mlp(torch.randn(5, 10))
print("output shape", tuple(out.shape), "| parameter tensors", len(list(mlp.parameters())),
      "| parameters", sum(p.numel() for p in mlp.parameters()))
out.sum().backward()
for name, p in mlp.named_parameters():
    print(f"  {name:9s} grad norm {p.grad.norm().item():.4f}")


class MyLinear(nn.Module):
    """A linear layer written by hand: Parameters assigned as attributes are registered."""

    def __init__(self, in_features, out_features):
        super().__init__()
        self.w = nn.Parameter(torch.randn(in_features, out_features))
        self.b = nn.Parameter(torch.zeros(out_features))

    def forward(self, x):
        return x.mm(self.w) + self.b


print("\n== a custom module ==")
m = MyLinear(7, 1)
print(m)
print("registered parameters:", {n: tuple(p.shape) for n, p in m.named_parameters()})
print("m(torch.randn(3, 7)) =", m(torch.randn(3, 7)), sep="\n")

print("\n== state_dict ==")
sd = m.state_dict()
for name, value in sd.items():
    print(f"  {name}: {tuple(value.shape)}, requires_grad={value.requires_grad}")
m2 = MyLinear(7, 1)
print("a fresh MyLinear has the same weights as m:", torch.equal(m2.w, m.w))
result = m2.load_state_dict(sd)
print("m2.load_state_dict(sd) says", result, "| now equal:", torch.equal(m2.w, m.w))
try:
    m2.load_state_dict({"w": torch.zeros(7, 1)})
except RuntimeError as e:
    print("loading a state dict without 'b':", " ".join(str(e).split()))
