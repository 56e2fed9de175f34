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
from .._ops.extra import cond, eig, eigvals, lu, lu_factor, lu_solve, matrix_exp
from .._ops.extra import solve_triangular, vecdot
from .._ops.extra import linalg_diagonal as diagonal
from .._ops.extra import linalg_vander as vander

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cross", "det", "eigh", "eigvalsh", "inv",
           "inv_ex", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
           "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "vdot",
           "vector_norm"]
__all__ += ["cond", "diagonal", "eig", "eigvals", "lu", "lu_factor", "lu_solve", "matrix_exp",
            "solve_triangular", "vander", "vecdot"]
