"""Custom autograd.Function, nn.init customisation, module traversal and printing."""
import math

import torch
import torch.nn as nn
from torch.autograd import Function


class MyReLU(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class LegendrePolynomial3(Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


class ScaleGrad(Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.scale, None


# the tutorial's polynomial fit of sin with a custom Function
dtype = torch.float
torch.manual_seed(0)
x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)
a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
learning_rate = 5e-6
for t in range(300):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= learning_rate * p.grad
            p.grad = None
print(f"Result: y = {a.item():.4f} + {b.item():.4f} * P3({c.item():.4f} + {d.item():.4f} x)")

z = torch.randn(5, requires_grad=True)
out = MyReLU.apply(z)
out.sum().backward()
print(out, z.grad)
print(type(out.grad_fn).__name__)
w = torch.ones(3, requires_grad=True)
ScaleGrad.apply(w * 2, 10.0).sum().backward()
print(w.grad)
inp = torch.randn(4, dtype=torch.double, requires_grad=True)
print("gradcheck", torch.autograd.gradcheck(LegendrePolynomial3.apply, (inp,)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(6, 8), nn.GELU(), nn.Linear(8, 4))
        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
        self.heads = nn.ModuleDict({"a": nn.Linear(4, 1), "b": nn.Linear(4, 2, bias=False)})
        self.scale = nn.Parameter(torch.ones(1))
        self.register_buffer("steps", torch.zeros((), dtype=torch.long))

    def forward(self, x):
        x = self.encoder(x)
        for block in self.blocks:
            x = x + torch.relu(block(x))
        self.steps += 1
        return self.heads["a"](x) * self.scale, self.heads["b"](x)


torch.manual_seed(1)
net = Net()
for name, m in net.named_modules():
    if isinstance(m, nn.Linear):
        if name.startswith("blocks"):
            nn.init.orthogonal_(m.weight)
        else:
            nn.init.trunc_normal_(m.weight, std=0.02)
        if m.bias is not None:
            nn.init.uniform_(m.bias, -0.1, 0.1)
print(net)
print([name for name, _ in net.named_modules()])
print([(n, p.shape) for n, p in net.named_parameters()])
total = sum(p.numel() for p in net.parameters())
trainable = sum(p.numel() for p in net.parameters() if p.requires_grad)
print(f"{total:,} parameters, {trainable} trainable")
for p in net.encoder.parameters():
    p.requires_grad_(False)
print("frozen", sum(p.numel() for p in net.parameters() if p.requires_grad))
xa = torch.randn(3, 6)
o1, o2 = net(xa)
(o1.sum() + o2.pow(2).mean()).backward()
print(o1, o2, sep="\n")
print(net.steps, net.encoder[0].weight.grad, net.blocks[1].bias.grad)
print(net.state_dict()["steps"], list(net.state_dict())[-3:])
gram = net.blocks[0].weight @ net.blocks[0].weight.T
print(torch.allclose(gram, torch.eye(4), atol=1e-5))
with torch.no_grad():
    print(torch.sigmoid(o1).squeeze().tolist(), o2.argmax(dim=1).tolist())
