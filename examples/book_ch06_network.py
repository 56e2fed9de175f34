"""Chapter 6 of the R torch book, "A neural network from scratch", in Python.

A regression network built from plain tensors: the data are 100 observations of 3
features with a linear target plus noise; the network has one hidden layer of 32
ReLU units; the loss is the sum of squared errors; the weights are updated by hand
with the gradients autograd computes.

    python examples/book_ch06_network.py
"""
import taimatsu as torch

torch.manual_seed(777)

print("== why the hidden layer needs an activation ==")
t1 = torch.tensor([1.0, -2.0, 3.0])
t2 = torch.tensor([1.0, 2.0, 3.0])
print("relu(t1 + t2)       =", t1.add(t2).relu())
print("relu(t1) + relu(t2) =", t1.relu().add(t2.relu()), " (ReLU is not linear)")

print("\n== the data ==")
d_in, d_hidden, d_out, n = 3, 32, 1, 100
x = torch.randn(n, d_in)
coefs = torch.tensor([-0.2, 1.3, 5.6])
y = x.matmul(coefs).unsqueeze(1) + torch.randn(n, 1)
print(f"x: {tuple(x.shape)}, y = x @ [-0.2, 1.3, 5.6] + noise: {tuple(y.shape)}")
print("first rows of x and y:", torch.cat([x, y], dim=1)[:3], sep="\n")

print("\n== one linear layer is a matrix product plus a bias ==")
w = torch.randn(3, 1, requires_grad=True)
b = torch.zeros(1, 1, requires_grad=True)
pred = x.matmul(w) + b
print("x.matmul(w) + b:", tuple(pred.shape), "recorded as", pred.grad_fn.name(), "<-",
      [fn.name() for fn, _ in pred.grad_fn.next_functions if fn is not None])

print("\n== the network: 3 -> 32 (ReLU) -> 1, trained for 200 steps ==")
w1 = torch.randn(d_in, d_hidden, requires_grad=True)
w2 = torch.randn(d_hidden, d_out, requires_grad=True)
b1 = torch.zeros(1, d_hidden, requires_grad=True)
b2 = torch.zeros(1, d_out, requires_grad=True)
params = [w1, b1, w2, b2]
print("parameters:", [tuple(p.shape) for p in params], "=", sum(p.numel() for p in params))
learning_rate = 1e-4
for t in range(200):
    y_pred = x.mm(w1).add(b1).relu().mm(w2).add(b2)
    loss = (y_pred - y).pow(2).sum()
    if t % 20 == 0 or t == 199:
        print(f"Epoch: {t:3d}  Loss: {loss.item():10.2f}")
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= learning_rate * p.grad
            p.grad.zero_()

print("\nthe chain autograd walks back from the loss:")
fn = loss.grad_fn
while fn is not None:
    print("   ", fn.name())
    fn = next((f for f, _ in fn.next_functions if f is not None), None)
mse = (y_pred - y).pow(2).mean()
print(f"\nmean squared error {mse.item():.4f}; nn.functional.mse_loss gives "
      f"{torch.nn.functional.mse_loss(y_pred, y).item():.4f}")
print("predictions vs targets, first five:")
print(torch.cat([y_pred, y], dim=1)[:5].detach())
