"""torch.nn.utils.rnn: padding a list of variable-length sequences into one tensor.
(PackedSequence and pack_padded_sequence are not implemented yet.)"""
import taimatsu as T

__all__ = ["pad_sequence"]


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    sequences = list(sequences)
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = longest - s.shape[0]
        widths = [0, 0] * (s.dim() - 1) + ([0, extra] if padding_side == "right" else [extra, 0])
        padded.append(T.nn.functional.pad(s, widths, value=padding_value))
    out = T.stack(padded)
    return out if batch_first else out.transpose(0, 1)
