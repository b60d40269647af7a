"""The student library: data loading, gradient checking, plotting, training loops, visible checks."""
