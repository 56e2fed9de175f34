"""lazy_d2l: lazy layers (LazyLinear, LazyConv2d, LazyBatchNorm2d) as d2l.ai uses them."""
import torch
import torch.nn as nn
torch.manual_seed(0)
net = nn.Sequential(nn.LazyConv2d(6, 5, padding=2), nn.LazyBatchNorm2d(), nn.Sigmoid(),
                    nn.AvgPool2d(2), nn.Flatten(), nn.LazyLinear(10), nn.ReLU(), nn.LazyLinear(3))
print(net)
print(list(net.state_dict().keys()))
print(net[0].weight, net[1].running_mean)
X = torch.randn(4, 1, 8, 8)
y = net(X)
print(net)
print(y)
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape:\t', X.shape)
def init_xavier(m):
    if type(m) is nn.Linear:
        nn.init.xavier_uniform_(m.weight)
net.apply(init_xavier)
print(net[-1].weight[0, :3])
opt = torch.optim.SGD(net.parameters(), lr=0.1)
loss = net(torch.randn(4, 1, 8, 8)).pow(2).mean()
loss.backward()
opt.step()
print(round(loss.item(), 5), net[1].num_batches_tracked)
lazy = nn.Sequential(nn.LazyLinear(4), nn.LazyLinear(2)).double()
print(type(lazy[0]).__name__)
full = nn.Sequential(nn.LazyLinear(4), nn.LazyLinear(2))
full(torch.ones(3, 5))
fresh = nn.Sequential(nn.LazyLinear(4), nn.LazyLinear(2))
fresh.load_state_dict(full.state_dict())
print(fresh[0].weight.shape, torch.equal(fresh[0].weight, full[0].weight), type(fresh[0]).__name__)
t = nn.LazyConvTranspose2d(3, 2, stride=2)
t(torch.ones(1, 4, 3, 3))
print(t)
m = nn.LazyLinear(3).double()
m(torch.ones(2, 4, dtype=torch.float64))
print(m.weight.dtype)
try:
    nn.LazyLinear(2).weight.shape
except RuntimeError as e:
    print('RuntimeError', str(e)[:60])
