"""science: least squares and decompositions, LBFGS, an ODE's gradient, a spectral derivative,
Hessians, einsum, complex numbers and numerical utilities, in float64."""
import math
import torch
torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
# least squares, solves, decompositions
A = torch.randn(6, 3)
b = torch.randn(6, 1)
sol = torch.linalg.lstsq(A, b).solution
print(sol.T, torch.linalg.norm(A @ sol - b))
M = A.T @ A + torch.eye(3)
print(torch.linalg.solve(M, torch.ones(3)), torch.linalg.det(M), torch.linalg.inv(M)[0])
L = torch.linalg.cholesky(M)
print(L)
Q, R = torch.linalg.qr(A)
print(R)
U, S, Vh = torch.linalg.svd(A, full_matrices=False)
print(S)
evals, evecs = torch.linalg.eigh(M)
print(evals)
print(torch.linalg.matrix_rank(A), torch.linalg.cond(M), torch.linalg.pinv(A).shape)
# optimisation with LBFGS: Rosenbrock
x = torch.tensor([-1.5, 2.0], requires_grad=True)
opt = torch.optim.LBFGS([x], lr=1, max_iter=100, line_search_fn="strong_wolfe")
def closure():
    opt.zero_grad()
    f = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    f.backward()
    return f
opt.step(closure)
print(x.detach())
# a damped oscillator by explicit Euler, gradient w.r.t. damping
gamma = torch.tensor(0.3, requires_grad=True)
pos, vel, dt = torch.tensor(1.0), torch.tensor(0.0), 0.01
for _ in range(500):
    acc = -pos - gamma * vel
    pos, vel = pos + dt * vel, vel + dt * acc
pos.backward()
print(pos.item(), gamma.grad.item())
# spectral derivative with the FFT
n = 64
xs = torch.linspace(0, 2 * math.pi, n + 1)[:-1]
f = torch.sin(3 * xs)
k = torch.fft.fftfreq(n, d=1.0 / n)
df = torch.fft.ifft(1j * k * torch.fft.fft(f)).real
print(torch.allclose(df, 3 * torch.cos(3 * xs), atol=1e-9))
# Hessian and Jacobian
def energy(p):
    return (p ** 4).sum() - (p[0] * p[1])
p0 = torch.tensor([1.0, 2.0])
print(torch.autograd.functional.hessian(energy, p0))
print(torch.autograd.functional.jacobian(
    lambda p: torch.stack([p.sin().sum(), (p * p).prod()]), p0))
# einsum and complex numbers
T = torch.randn(2, 3, 4)
print(torch.einsum('ijk,ik->ij', T, torch.ones(2, 4)), torch.einsum('ii', torch.eye(3) * 2))
z = torch.tensor([1 + 2j, 3 - 1j])
print(z.abs(), z.angle(), z.conj(), torch.view_as_real(z), (z * z.conj()).real)
print(torch.polar(torch.tensor([1.0, 2.0]), torch.tensor([0.0, math.pi / 2])))
ys = torch.tensor([1.0, 2.0, 3.0])
print(torch.trapezoid(ys), torch.cumulative_trapezoid(ys))
print(torch.histc(torch.tensor([1.0, 2, 1, 4]), bins=4, min=0, max=4))
print(torch.bucketize(torch.tensor([0.5, 2.5]), torch.tensor([1.0, 2.0, 3.0])))
print(torch.quantile(torch.arange(10.0), torch.tensor([0.1, 0.5])))
print(torch.std_mean(torch.arange(5.0)))
print(torch.kron(torch.eye(2), torch.ones(2, 2)), torch.cdist(torch.zeros(1, 2), torch.ones(2, 2)))
