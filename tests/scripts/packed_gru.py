"""packed_gru: a tutorial-style program, run unmodified on torch and on taimatsu."""
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence

torch.manual_seed(0)
seqs = [torch.randint(1, 20, (n,)) for n in (5, 3, 7, 2)]
lengths = torch.tensor([len(s) for s in seqs])
padded = pad_sequence(seqs, batch_first=True)
emb = nn.Embedding(20, 6, padding_idx=0)
rnn = nn.GRU(6, 5, num_layers=2, batch_first=True, bidirectional=True)
head = nn.Linear(10, 3)
params = list(emb.parameters()) + list(rnn.parameters()) + list(head.parameters())
opt = torch.optim.RMSprop(params, lr=0.01)
y = torch.tensor([0, 2, 1, 2])
for step in range(4):
    packed = pack_padded_sequence(emb(padded), lengths, batch_first=True, enforce_sorted=False)
    out, h = rnn(packed)
    unpacked, lens = pad_packed_sequence(out, batch_first=True)
    logits = head(torch.cat([h[-2], h[-1]], 1))
    loss = nn.functional.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 5), unpacked.shape, lens.tolist())
print(packed.batch_sizes.tolist(), packed.sorted_indices.tolist())
