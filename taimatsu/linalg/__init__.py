"""torch.linalg: norms, determinants, inverses, solvers, factorizations and products."""
from .._ops.linalg import matmul, vdot
from .._ops.linalg_decomp import (
                                  LinAlgError,
                                  cholesky,
                                  cholesky_ex,
                                  cross,
                                  det,
                                  eigh,
                                  eigvalsh,
                                  inv,
                                  inv_ex,
                                  lstsq,
                                  matrix_norm,
                                  matrix_power,
                                  matrix_rank,
                                  multi_dot,
                                  norm,
                                  pinv,
                                  qr,
                                  slogdet,
                                  solve,
                                  svd,
                                  svdvals,
                                  vector_norm,
)

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cross", "det", "eigh", "eigvalsh", "inv",
           "inv_ex", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
           "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vdot",
           "vector_norm"]
