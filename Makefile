# The course's two commands: `make lab` (work on the course) and `make test` (check everything).
# Students' notebooks live in work/ (git-ignored): created once from release/, never overwritten.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# nbgrader runs `alembic` from PATH on first database use.
RUN := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python
# Jupyter refuses to run as root unless told; containers and Colab-like VMs often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

LIGHT_STAMP := $(VENV)/.installed-light
# uv installs the pinned wheels in parallel: about a minute for the full stack where pip takes several.
# Bytecode is compiled at install time: the grader's sandbox mounts the environment read-only, so a
# kernel there could not cache it and would recompile NumPy, TensorFlow and PyTorch at every start.
UV := $(BIN)/uv pip install --python $(BIN)/python --compile-bytecode
# Before the environment exists, the standard-library scripts run with the system Python.
ANY_PYTHON := $(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON))
# JupyterLab serves the repository and its file browser opens in work/, the students' copies.
# .jupyter/ turns off the nbgrader tools that need an exchange this course does not use
# (Assignment List, Course List) and Formgrader (`python -m autograder` replaces it).
JUPYTER_LAB := PATH="$(CURDIR)/$(BIN):$$PATH" JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter" \
	$(BIN)/jupyter lab --no-browser $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)" --FileContentsManager.preferred_dir=work

.PHONY: lab lab-light work check-work publish test check venv venv-light release readme lock clean fashion-mnist bubblewrap install-url timings help

lab: venv work  ## install (first time only), create your copies in work/, start JupyterLab (prints the URL)
	$(JUPYTER_LAB)

lab-light: venv-light work  ## the same with the NumPy notebooks' stack only (no TensorFlow, no PyTorch)
	$(JUPYTER_LAB)

work:  ## copy each release/NN_slug/ notebook to work/NN_slug/ if it has no copy yet; never overwrites
	$(ANY_PYTHON) .ci/student_work.py

check-work: venv work  ## run the visible checks of the notebooks in work/ and print one progress table (NB=... for one)
	$(RUN) .ci/check_work.py $(NB)

publish: venv  ## write or update the student edition, a git repository: make publish DEST=../course-students [THROUGH=03_...]
	@test -n "$(DEST)" || { echo "usage: make publish DEST=<folder of the student edition> [THROUGH=<last notebook id>]"; exit 2; }
	$(RUN) -m autograder publish "$(DEST)" $(if $(THROUGH),--through "$(THROUGH)")

test: venv fashion-mnist bubblewrap  ## install or update the environment, then run the whole test suite
	$(RUN) -m pytest -n 2 --dist loadgroup --durations=30

check: venv bubblewrap  ## the edit loop for one notebook: make check NB=01_linear_regression
	$(RUN) .ci/check_notebook.py $(NB)

install-url: venv  ## print the pip URL from which the notebooks' setup cell installs dlcourse on Colab
	@$(RUN) -c "from autograder.authoring.course import load_course; print(load_course().package_pip_spec())"

timings: venv  ## time every notebook in fast mode (FULL=1: full mode; NB=... for some); fails on errors or stderr
	$(RUN) .ci/time_notebooks.py --check --slow 10 $(if $(FULL),--full) $(NB)

# The data-layer tests parse real IDX files: Debian's dataset-fashion-mnist ships them.
FASHION_DIR := /usr/share/datasets/fashion-mnist
fashion-mnist:
	@test -f $(FASHION_DIR)/t10k-labels-idx1-ubyte.gz || { \
	  echo "Installing Debian's dataset-fashion-mnist (real IDX files for the data-layer tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist) \
	  || { echo "Could not install it: run 'sudo apt-get install dataset-fashion-mnist' and retry"; exit 1; }; }

# The grader runs every notebook in a bubblewrap sandbox (autograder/README.md, "Threat model").
bubblewrap:
	@command -v bwrap >/dev/null && command -v keyctl >/dev/null || { \
	  echo "Installing bubblewrap and keyutils (the grader's sandbox, and its keyring test)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap keyutils) \
	  || { echo "Could not install it: run 'sudo apt-get install bubblewrap' and retry"; exit 1; }; }

venv: $(STAMP)

$(STAMP): requirements.lock utils/pyproject.toml
	@echo "Installing the course stack from requirements.lock (see README, 'Install size and time')"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==24.3.1 uv==0.13.9
	$(UV) -r requirements.lock
	$(UV) --quiet --no-deps --no-build-isolation -e utils
	touch $(STAMP)

venv-light: $(LIGHT_STAMP)

$(LIGHT_STAMP): requirements-light.lock utils/pyproject.toml
	@echo "Installing the NumPy notebooks' stack from requirements-light.lock (no TensorFlow, no PyTorch)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check pip==24.3.1 uv==0.13.9
	$(UV) -r requirements-light.lock
	$(UV) --quiet --no-deps --no-build-isolation -e utils
	touch $(LIGHT_STAMP)

release: venv  ## regenerate release/ from source/ with nbgrader
	$(RUN) -m autograder release

readme: venv  ## regenerate README's notebook table and Colab links from course/course.toml
	$(RUN) -m autograder readme

lock: venv  ## re-pin requirements.in at this environment's versions for Linux, macOS and Windows (needs PyPI)
	$(BIN)/python .ci/pins.py lock
	$(BIN)/python .ci/pins.py light
	$(MAKE) environment.yml

environment.yml: requirements.lock
	$(BIN)/python .ci/make_environment.py

clean:  ## remove the environment; work/ (your notebooks) is left alone
	rm -rf $(VENV) .pytest_cache

help:  ## list the commands
	@grep -E '^[a-z.-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed 's/:.*## /\t/' | expand -t 14
