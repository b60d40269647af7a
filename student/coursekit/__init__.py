"""The student library: data loading, gradient checking, plotting, training loops, visible checks."""
import numpy  # noqa: F401  (first: threadpoolctl limits only the BLAS libraries already loaded)
from threadpoolctl import threadpool_limits

# One BLAS thread from the moment a notebook imports the library: on the course's small matrices
# more threads only fight over the cores (an MLP epoch on 5000 digits: 0.85 s with one thread,
# 7.9 s with two on a two-core laptop), so every notebook runs at its best in any Jupyter.
threadpool_limits(1, user_api="blas")
