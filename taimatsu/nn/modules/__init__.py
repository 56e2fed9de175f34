"""torch.nn.modules: the layer classes."""
from .activation import (CELU, ELU, GELU, GLU, SELU, Hardshrink, Hardsigmoid, Hardswish, Hardtanh,
                         LeakyReLU, LogSigmoid, LogSoftmax, Mish, PReLU, ReLU, ReLU6, Sigmoid, SiLU,
                         Softmax, Softmax2d, Softmin, Softplus, Softshrink, Softsign, Tanh,
                         Tanhshrink, Threshold)
from .container import Container, ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .conv import Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from .dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d
from .flatten import Flatten, Unflatten
from .linear import Bilinear, Identity, Linear
from .loss import (BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss,
                   GaussianNLLLoss, HingeEmbeddingLoss, HuberLoss, KLDivLoss, L1Loss,
                   MarginRankingLoss, MSELoss, MultiLabelSoftMarginLoss, NLLLoss, NLLLoss2d,
                   PoissonNLLLoss, SmoothL1Loss, SoftMarginLoss, TripletMarginLoss)
from .module import Module
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
                      AvgPool1d, AvgPool2d, AvgPool3d,
                      MaxPool1d, MaxPool2d, MaxPool3d)
from .rnn import GRU, LSTM, RNN, RNNBase
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .normalization import GroupNorm, LayerNorm
from .sparse import Embedding
from .rnn import GRUCell, LSTMCell, RNNCell, RNNCellBase

# padding, resampling, adaptive max pooling, instance norm, embedding bags, attention
from .padding import (ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
                     ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                     ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .pooling import AdaptiveMaxPool1d, AdaptiveMaxPool2d
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .sparse import EmbeddingBag
from .activation import MultiheadAttention
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,
                          TransformerEncoder, TransformerEncoderLayer)

__all__ = [
    "CELU", "ELU", "GELU", "GLU", "SELU", "AlphaDropout", "BCELoss", "BCEWithLogitsLoss",
    "Bilinear", "Container", "CosineEmbeddingLoss", "CrossEntropyLoss", "Dropout", "Dropout1d",
    "Dropout2d", "Dropout3d", "Flatten", "GaussianNLLLoss", "Hardshrink", "Hardsigmoid",
    "Hardswish", "Hardtanh", "HingeEmbeddingLoss", "HuberLoss", "Identity", "KLDivLoss", "L1Loss",
    "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MSELoss", "MarginRankingLoss", "Mish",
    "Module", "ModuleDict", "ModuleList", "MultiLabelSoftMarginLoss", "NLLLoss", "NLLLoss2d",
    "PReLU", "ParameterDict", "ParameterList", "PoissonNLLLoss", "ReLU", "ReLU6", "Sequential",
    "SiLU", "Sigmoid", "SmoothL1Loss", "SoftMarginLoss", "Softmax", "Softmax2d", "Softmin",
    "Softplus", "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold", "TripletMarginLoss",
    "Unflatten",
]
# convolution, pooling and recurrent layers
__all__ += ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d",
            "AvgPool1d", "AvgPool2d", "AvgPool3d",
            "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d",
            "GRU", "LSTM", "MaxPool1d", "MaxPool2d", "MaxPool3d",
            "RNN", "RNNBase"]
# normalisation and embeddings
__all__ += ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "Embedding", "GroupNorm",
            "LayerNorm"]
__all__ += ["GRUCell", "LSTMCell", "RNNCell", "RNNCellBase"]
__all__ += ["AdaptiveMaxPool1d", "AdaptiveMaxPool2d", "ConstantPad1d", "ConstantPad2d",
            "ConstantPad3d", "EmbeddingBag", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
            "MultiheadAttention", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
            "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d",
            "Transformer", "TransformerDecoder", "TransformerDecoderLayer", "TransformerEncoder",
            "TransformerEncoderLayer", "Upsample", "UpsamplingBilinear2d", "UpsamplingNearest2d",
            "ZeroPad1d", "ZeroPad2d", "ZeroPad3d"]

from .batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d  # noqa: E402
from .conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,  # noqa: E402
                   LazyConvTranspose2d, LazyConvTranspose3d)
from .lazy import LazyModuleMixin  # noqa: E402
from .linear import LazyLinear  # noqa: E402

__all__ += ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d",
            "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
            "LazyLinear", "LazyModuleMixin"]

# shuffles, fold/unfold, distances, extra normalisations, activations, losses and pooling
from .activation import RReLU  # noqa: E402
from .distance import CosineSimilarity, PairwiseDistance  # noqa: E402
from .fold import Fold, Unfold  # noqa: E402
from .loss import (MultiLabelMarginLoss, MultiMarginLoss,  # noqa: E402
                   TripletMarginWithDistanceLoss)
from .normalization import LocalResponseNorm, RMSNorm  # noqa: E402
from .padding import CircularPad1d, CircularPad2d, CircularPad3d  # noqa: E402
from .pixelshuffle import ChannelShuffle, PixelShuffle, PixelUnshuffle  # noqa: E402
from .pooling import (AdaptiveMaxPool3d, LPPool1d, LPPool2d, LPPool3d,  # noqa: E402
                      MaxUnpool1d, MaxUnpool2d, MaxUnpool3d)

__all__ += ["AdaptiveMaxPool3d", "ChannelShuffle", "CircularPad1d", "CircularPad2d",
            "CircularPad3d", "CosineSimilarity", "Fold", "LPPool1d", "LPPool2d", "LPPool3d",
            "LocalResponseNorm", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
            "MultiLabelMarginLoss", "MultiMarginLoss", "PairwiseDistance", "PixelShuffle",
            "PixelUnshuffle", "RMSNorm", "RReLU", "TripletMarginWithDistanceLoss", "Unfold"]
