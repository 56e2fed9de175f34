"""dcgan_transposed: a tutorial-style program, run unmodified on torch and on taimatsu."""
import torch
import torch.nn as nn

torch.manual_seed(0)
nz = 8
G = nn.Sequential(
    nn.ConvTranspose2d(nz, 16, 4, 1, 0, bias=False), nn.BatchNorm2d(16), nn.ReLU(True),
    nn.ConvTranspose2d(16, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
    nn.ConvTranspose2d(8, 1, 4, 2, 1, bias=False), nn.Tanh())
D = nn.Sequential(
    nn.Conv2d(1, 8, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(8, 16, 4, 2, 1, bias=False), nn.BatchNorm2d(16), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(16, 1, 4, 1, 0, bias=False), nn.Sigmoid())

def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)
G.apply(weights_init)
D.apply(weights_init)
print(G)
criterion = nn.BCELoss()
optD = torch.optim.Adam(D.parameters(), lr=2e-3, betas=(0.5, 0.999))
optG = torch.optim.Adam(G.parameters(), lr=2e-3, betas=(0.5, 0.999))
real = torch.randn(8, 1, 16, 16).tanh()
fixed = torch.randn(8, nz, 1, 1)
for it in range(5):
    D.zero_grad()
    label = torch.full((8,), 1.0)
    out = D(real).view(-1)
    errD_real = criterion(out, label)
    errD_real.backward()
    noise = torch.randn(8, nz, 1, 1)
    fake = G(noise)
    label.fill_(0.0)
    out = D(fake.detach()).view(-1)
    errD_fake = criterion(out, label)
    errD_fake.backward()
    optD.step()
    G.zero_grad()
    label.fill_(1.0)
    out = D(fake).view(-1)
    errG = criterion(out, label)
    errG.backward()
    optG.step()
    print(f"{it} D {(errD_real + errD_fake).item():.4f} G {errG.item():.4f}")
with torch.no_grad():
    print(G(fixed).shape, round(G(fixed).mean().item(), 4))
