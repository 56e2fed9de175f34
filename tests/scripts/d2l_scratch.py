"""d2l_scratch: d2l.ai's from-scratch models (softmax regression, corr2d, batch norm, an RNN
with gradient clipping, additive attention)."""
import math
import torch
from torch import nn
from torch.nn import functional as F

torch.manual_seed(0)
# softmax regression from scratch
def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition
def cross_entropy(y_hat, y):
    return -torch.log(y_hat[list(range(len(y_hat))), y]).mean()
W = torch.normal(0, 0.01, size=(20, 5), requires_grad=True)
b = torch.zeros(5, requires_grad=True)
X = torch.rand(64, 20)
y = torch.randint(0, 5, (64,))
for epoch in range(5):
    loss = cross_entropy(softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b), y)
    loss.backward()
    with torch.no_grad():
        for param in (W, b):
            param -= 0.5 * param.grad
            param.grad.zero_()
    print('softmax', epoch, f"{loss.item():.5f}")
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], [0, 2]])
print((y_hat.argmax(axis=1).type(torch.long) == torch.tensor([0, 2])).type(torch.float32).sum())
# cross-correlation by hand
def corr2d(X, K):
    h, w = K.shape
    Y = torch.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
X = torch.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
print(corr2d(X, K))
def corr2d_multi_in_out(X, K):
    return torch.stack([sum(corr2d(x, k) for x, k in zip(X, k_)) for k_ in K], 0)
Xm = torch.stack((X, X + 1))
Km = torch.stack((K, K + 1, K + 2)).unsqueeze(1).repeat(1, 2, 1, 1)
print(corr2d_multi_in_out(Xm, Km).shape)
# learning a kernel
conv2d = nn.LazyConv2d(1, kernel_size=(1, 2), bias=False)
Xe = torch.ones((6, 8))
Xe[:, 2:6] = 0
Ke = torch.tensor([[1.0, -1.0]])
Ye = corr2d(Xe, Ke)
Xe = Xe.reshape((1, 1, 6, 8))
Ye = Ye.reshape((1, 1, 6, 7))
for i in range(10):
    Y_hat = conv2d(Xe)
    loss = (Y_hat - Ye) ** 2
    conv2d.zero_grad()
    loss.sum().backward()
    conv2d.weight.data[:] -= 3e-2 * conv2d.weight.grad
    if (i + 1) % 2 == 0:
        print(f'epoch {i + 1}, loss {loss.sum():.3f}')
print(conv2d.weight.data.reshape((1, 2)))
# batch norm from scratch
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data
Xb = torch.randn(4, 3, 5, 5)
shape = (1, 3, 1, 1)
Yb, mm_, mv_ = batch_norm(Xb, torch.ones(shape), torch.zeros(shape), torch.zeros(shape),
                          torch.ones(shape), 1e-5, 0.1)
print(Yb.mean().item() < 1e-6, mm_.flatten(), mv_.flatten())
# RNN from scratch with gradient clipping
vocab_size, num_hiddens = 10, 16
W_xh = torch.randn(vocab_size, num_hiddens) * 0.01
W_hh = torch.randn(num_hiddens, num_hiddens) * 0.01
b_h = torch.zeros(num_hiddens)
W_hq = torch.randn(num_hiddens, vocab_size) * 0.01
b_q = torch.zeros(vocab_size)
params = [W_xh, W_hh, b_h, W_hq, b_q]
for p in params:
    p.requires_grad_(True)
def rnn(inputs, state):
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.matmul(X, W_xh) + torch.matmul(H, W_hh) + b_h)
        Y = torch.matmul(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)
def grad_clipping(params, theta):
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
tokens = torch.randint(0, vocab_size, (4, 7))
for step in range(6):
    Xs = F.one_hot(tokens[:, :-1].T, vocab_size).type(torch.float32)
    state = (torch.zeros((4, num_hiddens)),)
    y_hat, state = rnn(Xs, state)
    loss = F.cross_entropy(y_hat, tokens[:, 1:].T.reshape(-1))
    for p in params:
        p.grad = None
    loss.backward()
    grad_clipping(params, 1)
    with torch.no_grad():
        for p in params:
            p -= 1 * p.grad
    print('rnn', step, f"{loss.item():.5f}", f"{math.exp(loss.item()):.3f}")
# additive attention
class AdditiveAttention(nn.Module):
    def __init__(self, num_hiddens, dropout):
        super().__init__()
        self.W_k = nn.LazyLinear(num_hiddens, bias=False)
        self.W_q = nn.LazyLinear(num_hiddens, bias=False)
        self.w_v = nn.LazyLinear(1, bias=False)
        self.dropout = nn.Dropout(dropout)
    def forward(self, queries, keys, values):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = nn.functional.softmax(scores, dim=-1)
        return torch.bmm(self.dropout(self.attention_weights), values)
queries = torch.normal(0, 1, (2, 1, 20))
keys = torch.normal(0, 1, (2, 10, 2))
values = torch.normal(0, 1, (2, 10, 4))
attention = AdditiveAttention(num_hiddens=8, dropout=0.1)
attention.eval()
print(attention(queries, keys, values))
