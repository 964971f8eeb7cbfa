# Two commands do everything: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
AW := $(VENV)/bin/alignwatch
SHARED_DATA := $(abspath ../shared/data)
ifeq ($(origin ALIGNWATCH_DATA), undefined)
  ifneq ($(wildcard $(SHARED_DATA)/MANIFEST.md),)
    export ALIGNWATCH_DATA := $(SHARED_DATA)
  endif
endif
export SPARK_LOCAL_IP ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: install demo test test-fast bench clean chromium

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,spark]'
	touch $@

install: $(VENV)/.installed

# The browser test drives Debian's Chromium (never a downloaded browser); install it when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found and cannot be installed here: the browser test will be skipped"; fi; }

# Without a mirror, `alignwatch fetch` first downloads what the report needs from the publishers (a failed download is
# reported and skipped: the report shows that section as not available); with a mirror nothing touches the network.
demo: install
ifndef ALIGNWATCH_DATA
	-$(AW) fetch
endif
	$(AW) ingest
	$(AW) report --focus PRK --partners CHN,RUS --out report.html
	$(AW) dyad PRK CHN --from 1991

test: install chromium
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -q -m "not slow" $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache report.html
