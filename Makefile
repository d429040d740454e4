# Two commands do everything: `make run` builds the graph, `make test` runs every test.
# Both create or refresh .venv from requirements.lock when needed (see bootstrap.py, which
# does the same without make: `python3 bootstrap.py run|test`).
PYTHON ?= python3

.PHONY: run test venv clean lock

run:
	$(PYTHON) bootstrap.py run

test:
	$(PYTHON) bootstrap.py test

venv:
	$(PYTHON) -c "import bootstrap; bootstrap.ensure_venv()"

lock:
	uv pip compile requirements.in --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf .venv out
