"""torch.nn: modules, parameters, functional forms, initialisers."""
from . import functional, init, utils
from .modules import (CELU, ELU, GELU, GLU, SELU, AlphaDropout, BCELoss, BCEWithLogitsLoss,
                      Bilinear, Container, CosineEmbeddingLoss, CrossEntropyLoss, Dropout,
                      Dropout1d, Dropout2d, Dropout3d, Flatten, GaussianNLLLoss, Hardshrink,
                      Hardsigmoid, Hardswish, Hardtanh, HingeEmbeddingLoss, HuberLoss, Identity,
                      KLDivLoss, L1Loss, LeakyReLU, Linear, LogSigmoid, LogSoftmax,
                      MarginRankingLoss, Mish, Module, ModuleDict, ModuleList, MSELoss,
                      MultiLabelSoftMarginLoss, NLLLoss, NLLLoss2d, ParameterDict, ParameterList,
                      PoissonNLLLoss, PReLU, ReLU, ReLU6, Sequential, Sigmoid, SiLU, SmoothL1Loss,
                      SoftMarginLoss, Softmax, Softmax2d, Softmin, Softplus, Softshrink, Softsign,
                      Tanh, Tanhshrink, Threshold, TripletMarginLoss, Unflatten)
from .modules.module import (register_module_forward_hook, register_module_forward_pre_hook,
                             register_module_full_backward_hook,
                             register_module_full_backward_pre_hook)
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter
from .modules.conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d,
                           ConvTranspose3d)
from .modules.pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
                              AvgPool1d, AvgPool2d,
                              AvgPool3d, MaxPool1d, MaxPool2d, MaxPool3d)
from .modules.rnn import GRU, LSTM, RNN, RNNBase
from .modules.batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .modules.normalization import GroupNorm, LayerNorm
from .modules.sparse import Embedding
from .modules.rnn import GRUCell, LSTMCell, RNNCell, RNNCellBase

# padding, resampling, adaptive max pooling, instance norm, embedding bags, attention
from .modules.padding import (ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
                             ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                             ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .modules.upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from .modules.pooling import AdaptiveMaxPool1d, AdaptiveMaxPool2d
from .modules.instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .modules.sparse import EmbeddingBag
from .modules.activation import MultiheadAttention
from .modules.transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer,
                                  TransformerEncoder, TransformerEncoderLayer)

__all__ = [
    "CELU", "ELU", "GELU", "GLU", "SELU", "AlphaDropout", "BCELoss", "BCEWithLogitsLoss",
    "Bilinear", "Buffer", "Container", "CosineEmbeddingLoss", "CrossEntropyLoss", "Dropout",
    "Dropout1d", "Dropout2d", "Dropout3d", "Flatten", "GaussianNLLLoss", "Hardshrink",
    "Hardsigmoid", "Hardswish", "Hardtanh", "HingeEmbeddingLoss", "HuberLoss", "Identity",
    "KLDivLoss", "L1Loss", "LeakyReLU", "Linear", "LogSigmoid", "LogSoftmax", "MSELoss",
    "MarginRankingLoss", "Mish", "Module", "ModuleDict", "ModuleList", "MultiLabelSoftMarginLoss",
    "NLLLoss", "NLLLoss2d", "PReLU", "Parameter", "ParameterDict", "ParameterList",
    "PoissonNLLLoss", "ReLU", "ReLU6", "Sequential", "SiLU", "Sigmoid", "SmoothL1Loss",
    "SoftMarginLoss", "Softmax", "Softmax2d", "Softmin", "Softplus", "Softshrink", "Softsign",
    "Tanh", "Tanhshrink", "Threshold", "TripletMarginLoss", "Unflatten", "UninitializedBuffer",
    "UninitializedParameter", "functional", "init", "register_module_forward_hook",
    "register_module_forward_pre_hook", "register_module_full_backward_hook",
    "register_module_full_backward_pre_hook", "utils",
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

# lazy modules: shapes from the first input
from .modules.batchnorm import LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d  # noqa: E402
from .modules.conv import (LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,  # noqa: E402
                           LazyConvTranspose2d, LazyConvTranspose3d)
from .modules.lazy import LazyModuleMixin  # noqa: E402
from .modules.linear import LazyLinear  # noqa: E402

__all__ += ["LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d", "LazyConv2d",
            "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d", "LazyConvTranspose3d",
            "LazyLinear", "LazyModuleMixin"]

# shuffles, fold/unfold, distances, extra normalisations, activations, losses and pooling
from .modules import (AdaptiveMaxPool3d, ChannelShuffle, CircularPad1d,  # noqa: E402
                      CircularPad2d, CircularPad3d, CosineSimilarity, Fold, LocalResponseNorm,
                      LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d,
                      MultiLabelMarginLoss, MultiMarginLoss, PairwiseDistance, PixelShuffle,
                      PixelUnshuffle, RMSNorm, RReLU, TripletMarginWithDistanceLoss, Unfold)

__all__ += ["AdaptiveMaxPool3d", "ChannelShuffle", "CircularPad1d", "CircularPad2d",
            "CircularPad3d", "CosineSimilarity", "Fold", "LPPool1d", "LPPool2d", "LPPool3d",
            "LocalResponseNorm", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
            "MultiLabelMarginLoss", "MultiMarginLoss", "PairwiseDistance", "PixelShuffle",
            "PixelUnshuffle", "RMSNorm", "RReLU", "TripletMarginWithDistanceLoss", "Unfold"]
