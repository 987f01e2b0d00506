# Every target bootstraps .venv itself, so `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt

.PHONY: setup browser generate check-generated lint typecheck unit example test demo sandbox contract fuzz bench clean

setup: $(INSTALLED) browser

# The consent-page test drives Debian's chromium through chromedriver (tests/sandbox/
# test_consent_browser.py). Installed here when missing and we are root; otherwise the
# test fails and names the command.
BROWSER_INSTALL := apt-get update && apt-get install -y chromium chromium-driver
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing the test browser: $(BROWSER_INSTALL)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else \
		echo "make browser: not root, so the consent-page browser test will fail; run as root: $(BROWSER_INSTALL)" >&2; \
	fi

$(INSTALLED): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

generate: $(INSTALLED)
	$(BIN)/python scripts/generate.py

check-generated: $(INSTALLED)
	$(BIN)/python scripts/generate.py --check

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/openapi-spec-validator openapi/eko-digilocker.yaml openapi/sandbox-control.yaml

typecheck: $(INSTALLED)
	$(BIN)/mypy overlay/eko_digilocker sandbox/eko_digilocker_sandbox examples/kyc_app

unit: $(INSTALLED) browser
	$(BIN)/pytest --junitxml=reports/junit.xml

# The contract suite alone: against the embedded sandbox, or against the server named by
# EKO_CONTRACT_BASE_URL with EKO_DEVELOPER_KEY / EKO_ACCESS_KEY (e.g. Eko's UAT).
contract: $(INSTALLED)
	$(BIN)/pytest tests/contract --junitxml=reports/contract-junit.xml

# The same property and contract tests with many more, random examples.
fuzz: $(INSTALLED) browser
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/contract tests/client tests/sandbox -x

# The worked example's own test project (examples/kyc_app/pytest.ini loads the kit's
# plugin with -p, as a team's project would).
example: $(INSTALLED)
	cd examples/kyc_app && ../../$(BIN)/pytest --junitxml=../../reports/example-junit.xml

test: check-generated lint typecheck unit example

demo: $(INSTALLED)
	$(BIN)/python examples/demo.py

bench: $(INSTALLED)
	$(BIN)/python -m bench.run

sandbox: $(INSTALLED)
	$(BIN)/eko-digilocker sandbox --port 8080

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache reports
