# The course's two commands: `make lab` (work on the course) and `make test` (check everything).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# nbgrader runs `alembic` from PATH on first database use.
RUN := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python
# Jupyter refuses to run as root unless told; containers and Colab-like VMs often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test venv release readme lock clean fashion-mnist

lab: release  ## install, build the student release and start JupyterLab on the course
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --no-browser $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)"

test: venv fashion-mnist  ## install or update the environment, then run the whole test suite
	$(RUN) -m pytest

# The data-layer tests parse real IDX files: Debian's dataset-fashion-mnist ships them.
FASHION_DIR := /usr/share/datasets/fashion-mnist
fashion-mnist:
	@test -f $(FASHION_DIR)/t10k-labels-idx1-ubyte.gz || { \
	  echo "Installing Debian's dataset-fashion-mnist (real IDX files for the data-layer tests)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist) \
	  || { echo "Could not install it: run 'sudo apt-get install dataset-fashion-mnist' and retry"; exit 1; }; }

venv: $(STAMP)

$(STAMP): requirements.lock utils/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==24.3.1
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e utils
	touch $(STAMP)

release: venv  ## regenerate release/ from source/ with nbgrader
	$(RUN) -m autograder release

readme: venv  ## regenerate README's notebook table and Colab links from course/course.toml
	$(RUN) -m autograder readme

lock: venv  ## re-freeze the environment into requirements.lock and environment.yml
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -v '^pip==' | sort -f > requirements.lock.new
	{ echo '# Exact pins of the whole course stack (Python 3.11, Linux x86_64). Regenerate with `make lock`.'; cat requirements.lock.new; } > requirements.lock
	rm requirements.lock.new
	$(MAKE) environment.yml

environment.yml: requirements.lock
	$(BIN)/python .ci/make_environment.py

clean:
	rm -rf $(VENV) .pytest_cache
