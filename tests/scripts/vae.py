"""vae: a tutorial-style program, run unmodified on torch and on taimatsu."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 16)
        self.fc21 = nn.Linear(16, 4)
        self.fc22 = nn.Linear(16, 4)
        self.fc3 = nn.Linear(4, 16)
        self.fc4 = nn.Linear(16, 20)
    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)
    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std
    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))
    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 20))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar

model = VAE()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
data = torch.rand(32, 20).round()
for epoch in range(6):
    recon, mu, logvar = model(data)
    bce = F.binary_cross_entropy(recon, data.view(-1, 20), reduction='sum')
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    loss = bce + kld
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(epoch, f"{loss.item():.3f}", f"{kld.item():.4f}")
with torch.no_grad():
    sample = model.decode(torch.randn(3, 4))
print(sample.shape, sample.sum().item() > 0)
path = os.path.join(tempfile.mkdtemp(), 'vae.pt')
torch.save(model.state_dict(), path)
m2 = VAE()
m2.load_state_dict(torch.load(path))
print(torch.allclose(m2.fc1.weight, model.fc1.weight))
