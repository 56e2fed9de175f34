"""d2l_basics: the preliminaries and builders' guide of d2l.ai (numpy-style axis=, keepdims=)."""
import os
import tempfile

import torch
from torch import nn
from torch.nn import functional as F
torch.manual_seed(0)
x = torch.arange(12, dtype=torch.float32)
print(x.numel(), x.shape, x.reshape(3, -1))
X = x.reshape((3, 4))
Y = torch.tensor([[2.0, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]])
print(torch.cat((X, Y), dim=0), torch.cat((X, Y), dim=1).shape)
print(X == Y, X.sum(axis=1, keepdims=True), X.mean(axis=0), X.cumsum(axis=0))
print(torch.normal(0, 0.01, size=(2, 3)).shape, torch.randn(3, 4).std().item() > 0)
a = torch.arange(3).reshape((3, 1))
b = torch.arange(2).reshape((1, 2))
print(a + b)
before = id(Y)
Y = Y + X
print(id(Y) == before)
Z = torch.zeros_like(Y)
Z[:] = X + Y
print(Z[1])
A = X.numpy()
B = torch.from_numpy(A)
print(type(A).__name__, type(B).__name__)
a = torch.tensor([3.5])
print(a, a.item(), float(a), int(a))
A = torch.arange(20, dtype=torch.float32).reshape(5, 4)
print(A.T, A.sum(axis=[0, 1]), A.sum(dim=0, keepdim=True) / A.shape[0])
print(A / A.sum(axis=1, keepdims=True))
u = torch.tensor([3.0, -4.0])
print(torch.norm(u), torch.abs(u).sum(), torch.norm(torch.ones((4, 9))))
x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
y.backward()
print(x.grad, x.grad == 4 * x)
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))
print(x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print(x.grad == u)
print(F.one_hot(torch.tensor([0, 2]), 4), torch.mv(A, torch.ones(4)))
print(torch.mm(A, torch.ones(4, 3)).shape)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
print(net[2].state_dict(), type(net[2].bias).__name__, net[2].bias.data)
print(*[(name, param.shape) for name, param in net.named_parameters()])
def init_normal(module):
    if type(module) is nn.Linear:
        nn.init.normal_(module.weight, mean=0, std=0.01)
        nn.init.zeros_(module.bias)
net.apply(init_normal)
print(net[0].weight.data[0], net[0].bias.data[0])
def my_init(module):
    if type(module) is nn.Linear:
        nn.init.uniform_(module.weight, -10, 10)
        module.weight.data *= module.weight.data.abs() >= 5
net.apply(my_init)
print(net[0].weight[:2])
net[0].weight.data[:] += 1
net[0].weight.data[0, 0] = 42
print(net[0].weight.data[0])
X = torch.rand(2, 4)
print(net(X).shape)
class CenteredLayer(nn.Module):
    def forward(self, X):
        return X - X.mean()
layer = CenteredLayer()
print(layer(torch.tensor([1.0, 2, 3, 4, 5])))
class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(in_units, units))
        self.bias = nn.Parameter(torch.randn(units,))
    def forward(self, X):
        return F.relu(torch.matmul(X, self.weight.data) + self.bias.data)
linear = MyLinear(5, 3)
print(linear.weight, linear(torch.rand(2, 5)))
folder = tempfile.mkdtemp()
torch.save(x, os.path.join(folder, 'x-file'))
print(torch.load(os.path.join(folder, 'x-file')))
torch.save([x, y], os.path.join(folder, 'x-files'))
print(torch.load(os.path.join(folder, 'x-files')))
mydict = {'x': x, 'y': y}
torch.save(mydict, os.path.join(folder, 'mydict'))
print(torch.load(os.path.join(folder, 'mydict')))
def masked_softmax(X, valid_lens):
    def _sequence_mask(X, valid_len, value=0):
        maxlen = X.size(1)
        mask = torch.arange((maxlen), dtype=torch.float32,
                            device=X.device)[None, :] < valid_len[:, None]
        X[~mask] = value
        return X
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        X = _sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)
print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([2, 3])))
print(masked_softmax(torch.rand(2, 2, 4), torch.tensor([[1, 3], [2, 4]])))
queries, keys = torch.normal(0, 1, (2, 1, 20)), torch.ones((2, 10, 2))
values = torch.arange(40, dtype=torch.float32).reshape(1, 10, 4).repeat(2, 1, 1)
print(torch.bmm(torch.ones((2, 1, 10)), values).shape, values.shape)
X = torch.arange(10).reshape((2, 5))
print(F.one_hot(X.T, 28).shape)
print(torch.tensor([1, 2, 3]).type(torch.float32), torch.ones(2, 3).type())
print(X.type(torch.int32).dtype)
fair_probs = torch.ones([6]) / 6
print(torch.multinomial(fair_probs, 10, replacement=True))
