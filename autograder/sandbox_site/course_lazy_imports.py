"""In grading kernels only: matplotlib.pyplot runs when one of its names is first used, not when
it is imported.

Every notebook imports pyplot in its setup cell, and the grader skips the experiment cells that
plot, so loading it (about a third of a CPU second, the largest import of a kernel) is mostly work
for nothing. The first use of any name of the module loads it in full, so code that plots runs
as it would without this. A .pth file loads this module at the start of the sandbox
environment's interpreter (install.py, beside it, puts both there); a student's Jupyter never has it.
"""
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types

LAZY = frozenset({"matplotlib.pyplot"})


class _LazyModule(importlib.util._LazyModule):
    """importlib's lazy module, but importing it again does not load it: the import system reads
    a module's __spec__ to see whether it is still initializing."""

    def __getattribute__(self, attr):
        if attr == "__spec__":
            return types.ModuleType.__getattribute__(self, attr)
        return super().__getattribute__(attr)


class _LazyLoader(importlib.util.LazyLoader):
    def exec_module(self, module):
        super().exec_module(module)
        module.__class__ = _LazyModule


class _LazyFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in LAZY:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _LazyLoader(spec.loader)
        return spec


sys.meta_path.insert(0, _LazyFinder())
