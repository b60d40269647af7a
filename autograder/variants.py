"""Known-wrong (mutant) and known-correct (alternative) versions of graded functions.

Each assignment keeps them in autograder/suites/<assignment>/variants.py:

    from solutions import regularization as ref
    V = Variants(reference=ref)

    # most mistakes are one edit of the reference: declared as such, they stay in step with it
    V.edit_mutant("dropout_forward", "dropout_no_rescale",
                  hint="The kept units are not rescaled by 1/(1-p), so ...",
                  replace={"mask / (1 - p)": "mask"})

    # a mistake that changes the structure is a whole function
    @V.mutant("dropout_forward", hint="...")
    def dropout_one_mask_for_batch(x, p, rng, train=True):
        ...

    @V.alternative("dropout_forward")
    def dropout_with_permutation(x, p, rng, train=True):
        ...

An edit names text of the reference's source (the function or class `target` of the reference
module) and what replaces it; each text must occur exactly once, so an edit that no longer applies
fails at import instead of silently testing something else.

The hidden suite must fail every mutant, showing its hint, and pass every alternative; the
project's tests check both by submitting each one in place of the reference. Hidden tests use the
mutants to diagnose a wrong answer (grading.expect_reference / grading.diagnose).

`mistake=` names the kind of mistake a mutant makes, in the words of grading.MISTAKES ("factor",
"sign", "in-place", ...): the project's tests check that the general diagnosis alone (without
the mutant's own hint) names that kind, so the same mistake written another way gets a hint too.

A variant is written like notebook code: it may use `np` and nothing else from its module, since
its source is pasted into a notebook under the graded function's name.
"""
import ast
import inspect
import textwrap

import numpy as np


class Variant:
    def __init__(self, kind, target, fn, hint=None, name=None, text=None, mistake=None):
        self.kind, self.target, self.fn, self.hint, self.mistake = kind, target, fn, hint, mistake
        self.name = name or fn.__name__
        self._text = text   # the source of an edit; a decorated function's comes from inspect

    def source(self):
        """The variant's source as notebook code defining `target` (decorators dropped)."""
        tree = ast.parse(textwrap.dedent(self._text or inspect.getsource(self.fn)))
        node = tree.body[0]
        node.decorator_list = []
        node.name = self.target
        return ast.unparse(tree) + "\n"

    def __repr__(self):
        return f"<{self.kind} {self.name} of {self.target}>"


def apply_edit(source, replace, what):
    """`source` with each key of `replace` (occurring exactly once) replaced by its value."""
    for old, new in replace.items():
        count = source.count(old)
        if count != 1:
            raise ValueError(f"{what}: {old!r} occurs {count} times in the reference, not once")
        source = source.replace(old, new)
    return source


class Variants:
    def __init__(self, reference=None):
        self.reference = reference   # the solutions module that edits apply to
        self.all = []

    def _register(self, kind, target, hint, mistake=None):
        if kind == "mutant" and not hint:
            raise ValueError("a mutant needs a hint for the student")

        def decorate(fn):
            self.all.append(Variant(kind, target, fn, hint, mistake=mistake))
            return fn
        return decorate

    def mutant(self, target, hint, mistake=None):
        return self._register("mutant", target, hint, mistake)

    def alternative(self, target):
        return self._register("alternative", target, None)

    def _edit(self, kind, target, name, replace, hint=None, mistake=None):
        if kind == "mutant" and not hint:
            raise ValueError("a mutant needs a hint for the student")
        if self.reference is None:
            raise ValueError("edits need Variants(reference=<solutions module>)")
        original = getattr(self.reference, target)
        text = apply_edit(textwrap.dedent(inspect.getsource(original)), replace, name)
        # run as the notebook would: np, and the reference module's own names (its constants)
        namespace = {**vars(self.reference), "np": np}
        exec(compile(text, f"<{kind} {name}>", "exec"), namespace)
        fn = namespace[original.__name__]
        self.all.append(Variant(kind, target, fn, hint, name=name, text=text, mistake=mistake))
        return fn

    def edit_mutant(self, target, name, hint, replace, mistake=None):
        """A mutant that is the reference `target` with `replace` ({old text: new text}) applied."""
        return self._edit("mutant", target, name, replace, hint, mistake)

    def edit_alternative(self, target, name, replace):
        return self._edit("alternative", target, name, replace)

    def mutants_of(self, target):
        return [v for v in self.all if v.kind == "mutant" and v.target == target]

    def alternatives_of(self, target):
        return [v for v in self.all if v.kind == "alternative" and v.target == target]

    def hint(self, name):
        """The hint of the mutant called `name` (for tests that diagnose by a property check)."""
        return next(v.hint for v in self.all if v.name == name)
