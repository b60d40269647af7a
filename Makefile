# Two commands on a fresh machine with Python 3.11+: `make demo` and `make test`.
# Each first builds a local virtual environment (.venv) with the project installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# One BLAS thread per process: on small matrices extra threads only contend (see README).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export MPLBACKEND := Agg

# The sandbox environment (autograder/sandbox-requirements.txt): what student code runs with.
# As root, kernels run as an unprivileged user, so the environment lives outside the checkout
# (which may sit in a private directory) and is built from the system interpreter, whose files
# that user can read.
SANDBOX_REQS := autograder/sandbox-requirements.txt
# ... and what autograder/sandbox_site/install.py adds to it (matplotlib.pyplot loaded when used)
SANDBOX_SITE := $(wildcard autograder/sandbox_site/*.py)
ifeq ($(shell id -u),0)
SANDBOX_BASE ?= $(firstword $(wildcard /usr/bin/python3) $(PYTHON))
SANDBOX_ENV  ?= /opt/deepnets-course/sandbox-$(shell cat $(SANDBOX_REQS) $(SANDBOX_SITE) | sha256sum | cut -c1-12)
else
SANDBOX_BASE ?= $(PYTHON)
SANDBOX_ENV  ?= $(CURDIR)/.venv-sandbox
endif

.PHONY: setup test demo data clean system-packages

setup: $(STAMP) system-packages

# As root, Debian's packages the project uses from the system: installed here if missing, a no-op
# once they are. $(call apt_install,COMMAND,PACKAGE,WHAT IS MISSING WITHOUT IT)
define apt_install
	@command -v $(1) >/dev/null || { command -v apt-get >/dev/null \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) >/dev/null \
	  || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(2) >/dev/null; }; } \
	  || echo "warning: could not install $(2): $(3)" >&2
endef

# bubblewrap gives kernels an allow-listed filesystem and their own namespaces; Chromium is the
# browser tests/test_browser.py drives (it skips without one).
system-packages:
ifeq ($(shell id -u),0)
	$(call apt_install,bwrap,bubblewrap,kernels will see the whole filesystem (see README and its Security model))
	$(call apt_install,chromium,chromium,the browser test will be skipped)
endif

$(STAMP): pyproject.toml student/pyproject.toml $(SANDBOX_REQS) $(SANDBOX_SITE)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# CPU torch, used only by the project's own tests to cross-check the references.
	$(BIN)/python -m pip install -q torch==2.13.0
	# jsonschema's optional IRI checker (pulled in by jupyter-events) compiles a grammar when
	# jsonschema loads: 2 s of CPU in every process that imports nbformat, so in every nbgrader
	# and course command. No schema here has an IRI field; jsonschema skips the check without it.
	$(BIN)/python -m pip uninstall -y -q rfc3987-syntax
	test -f $(SANDBOX_ENV)/.ready || ( $(SANDBOX_BASE) -m venv $(SANDBOX_ENV) \
	  && $(SANDBOX_ENV)/bin/python -m pip install -q -r $(SANDBOX_REQS) \
	  && $(SANDBOX_ENV)/bin/python -m pip uninstall -y -q debugpy \
	  && $(SANDBOX_ENV)/bin/python autograder/sandbox_site/install.py && touch $(SANDBOX_ENV)/.ready )
	echo $(SANDBOX_ENV)/bin/python > $(VENV)/sandbox-python
	# Wheels of the student library's dependencies: a test installs the library into a fresh
	# environment from them, without the network.
	$(BIN)/python -c "import tomllib; print('\n'.join(tomllib.load(open('student/pyproject.toml', 'rb'))['project']['dependencies']))" \
	  > $(VENV)/student-requirements.txt
	$(BIN)/python -m pip wheel -q -w $(VENV)/wheelhouse -r $(VENV)/student-requirements.txt
	touch $@

test: setup
	$(BIN)/python -m pytest

demo: setup
	$(BIN)/course demo

# Rebuild the shipped MNIST subset from its pip-installed source (reproducible, byte for byte).
data: $(STAMP)
	$(BIN)/python data/build_mnist20.py

clean:
	rm -rf $(VENV) .venv-sandbox .demo .pytest_cache
