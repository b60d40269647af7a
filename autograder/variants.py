"""Known-wrong (mutant) and known-correct (alternative) versions of graded functions.

Each assignment keeps them in autograder/suites/<assignment>/variants.py:

    V = Variants()

    @V.mutant("dropout_forward", hint="The kept units are not rescaled by 1/(1-p), so ...")
    def dropout_no_rescale(x, p, rng, train=True):
        ...

    @V.alternative("dropout_forward")
    def dropout_with_permutation(x, p, rng, train=True):
        ...

The hidden suite must fail every mutant, showing its hint, and pass every alternative; the
project's tests check both by submitting each one in place of the reference. Hidden tests use the
mutants to diagnose a wrong answer (grading.expect_reference / grading.diagnose).

A variant is written like notebook code: it may use `np` and nothing else from its module, since
its source is pasted into a notebook under the graded function's name.
"""
import ast
import inspect
import textwrap


class Variant:
    def __init__(self, kind, target, fn, hint=None):
        self.kind, self.target, self.fn, self.hint = kind, target, fn, hint
        self.name = fn.__name__

    def source(self):
        """The variant's source as notebook code defining `target` (decorators dropped)."""
        tree = ast.parse(textwrap.dedent(inspect.getsource(self.fn)))
        node = tree.body[0]
        node.decorator_list = []
        node.name = self.target
        return ast.unparse(tree) + "\n"

    def __repr__(self):
        return f"<{self.kind} {self.name} of {self.target}>"


class Variants:
    def __init__(self):
        self.all = []

    def _register(self, kind, target, hint):
        if kind == "mutant" and not hint:
            raise ValueError("a mutant needs a hint for the student")

        def decorate(fn):
            self.all.append(Variant(kind, target, fn, hint))
            return fn
        return decorate

    def mutant(self, target, hint):
        return self._register("mutant", target, hint)

    def alternative(self, target):
        return self._register("alternative", target, None)

    def mutants_of(self, target):
        return [v for v in self.all if v.kind == "mutant" and v.target == target]

    def alternatives_of(self, target):
        return [v for v in self.all if v.kind == "alternative" and v.target == target]

    def hint(self, name):
        """The hint of the mutant called `name` (for tests that diagnose by a property check)."""
        return next(v.hint for v in self.all if v.name == name)
