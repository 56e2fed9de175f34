"""seq2seq_transformer: a tutorial-style program, run unmodified on torch and on taimatsu."""
import math
import torch
import torch.nn as nn

torch.manual_seed(0)
V, E = 11, 16
class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=50):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe)
    def forward(self, x):
        x = x + self.pe[:x.size(0)]
        return self.dropout(x)

class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.pos = PositionalEncoding(E, 0.0)
        self.tf = nn.Transformer(E, 2, 1, 1, 32, dropout=0.0)
        self.out = nn.Linear(E, V)
    def forward(self, src, tgt):
        mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(0))
        h = self.tf(self.pos(self.emb(src) * math.sqrt(E)), self.pos(self.emb(tgt) * math.sqrt(E)),
                    tgt_mask=mask)
        return self.out(h)

model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
sched = torch.optim.lr_scheduler.StepLR(opt, 5, 0.5)
src = torch.randint(1, V, (7, 4))
tgt = torch.cat([torch.zeros(1, 4, dtype=torch.long), src.flip(0)])
for step in range(12):
    logits = model(src, tgt[:-1])
    loss = nn.functional.cross_entropy(logits.reshape(-1, V), tgt[1:].reshape(-1),
                                       label_smoothing=0.1)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    if step % 3 == 0:
        print(step, round(loss.item(), 4), sched.get_last_lr())
print((logits.argmax(-1) == tgt[1:]).float().mean().item())
