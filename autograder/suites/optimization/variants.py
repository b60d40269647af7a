"""Known-wrong (mutants) and known-correct (alternatives) answers for the optimization assignment."""
import numpy as np

from autograder.variants import Variants

V = Variants()
DEMO_MISTAKES = []
