"""Embedding + LSTM / GRU sequence classifiers with LayerNorm and gradient clipping."""
import torch
import torch.nn as nn

torch.manual_seed(3)
VOCAB, SEQ, N = 20, 12, 192


def make_data(n):
    # class 1: the sequence contains token 7 more often than token 3
    x = torch.randint(1, VOCAB, (n, SEQ))
    y = ((x == 7).sum(1) > (x == 3).sum(1)).long()
    return x, y


x_train, y_train = make_data(N)
x_test, y_test = make_data(64)
print("class balance", y_train.float().mean().item())


class SeqClassifier(nn.Module):
    def __init__(self, rnn_type="lstm", emb=16, hidden=24, num_layers=1, bidirectional=False):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, emb, padding_idx=0)
        rnn_cls = nn.LSTM if rnn_type == "lstm" else nn.GRU
        self.rnn = rnn_cls(emb, hidden, num_layers=num_layers, batch_first=True,
                           bidirectional=bidirectional)
        out = hidden * (2 if bidirectional else 1)
        self.norm = nn.LayerNorm(out)
        self.head = nn.Linear(out, 2)

    def forward(self, x):
        e = self.embedding(x)
        out, _ = self.rnn(e)
        return self.head(self.norm(out[:, -1]))


for rnn_type, kwargs in [("lstm", {}), ("gru", {"bidirectional": True})]:
    torch.manual_seed(11)
    model = SeqClassifier(rnn_type, **kwargs)
    print(model)
    print(model.embedding.weight[0].abs().sum().item(), model.embedding.weight.shape)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(4):
        model.train()
        perm = torch.randperm(N)
        epoch_loss = 0.0
        for i in range(0, N, 32):
            idx = perm[i:i + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            optimizer.step()
            epoch_loss += loss.item()
        print(f"{rnn_type} epoch {epoch} loss {epoch_loss / (N // 32):.4f} "
              f"last grad norm {norm:.4f}")
    model.eval()
    with torch.no_grad():
        acc = (model(x_test).argmax(-1) == y_test).sum().item() / len(y_test)
    print(f"{rnn_type} accuracy {acc:.3f}")
    print(model.embedding.weight.grad[0].abs().sum().item())

emb = nn.Embedding.from_pretrained(torch.arange(12.0).view(4, 3), freeze=True)
print(emb, emb.weight.requires_grad, emb(torch.tensor([[1, 3], [0, 2]])))
ln = nn.LayerNorm([3, 4], elementwise_affine=True)
t = torch.arange(24.0).view(2, 3, 4)
print(ln(t))
lstm = nn.LSTM(3, 5, num_layers=2, dropout=0.0)
h = lstm(torch.randn(6, 2, 3))
print(h[0].shape, h[1][0].shape, h[1][1].shape)
