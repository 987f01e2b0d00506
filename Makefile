# Every target bootstraps .venv itself, so `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
# the TypeScript client's tools (package-lock.json): openapi-typescript, openapi-fetch, tsc
NODE_INSTALLED := node_modules/.installed
TS_OUT := build/typescript
MATRIX_OUT := build/generator-matrix

.PHONY: setup browser xlang-toolchains conformance-go conformance-java xlang-build dist install-test check-breaking generate check-generated generator-matrix ts-build ts-test conformance lint typecheck unit example test demo sandbox contract fuzz mutation bench clean

setup: $(INSTALLED) $(NODE_INSTALLED) browser xlang-toolchains

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
		echo "make browser: cannot install chromium here (not root, or no apt-get), so the consent-page browser test will fail; run as root: $(BROWSER_INSTALL)" >&2; \
	fi

# Go and Java clients (generated/go + overlay/go, generated/java + overlay/java), built
# offline from Debian's packages: golang-go (1.19; the generated go.mod says 1.23, which
# 1.19 builds with GOTOOLCHAIN=local), JDK 17, and Jackson, jsr305 and the javax.annotation
# API as jars (javac, no Maven). Both builds are cached in build/ and redone only when a
# source changes. docs/other-languages.md says what built, with which versions.
XLANG_DEBS := golang-go openjdk-17-jdk-headless libjackson2-core-java libjackson2-databind-java libjackson2-annotations-java libjsr305-java libgeronimo-annotation-1.3-spec-java
XLANG_INSTALL := apt-get update && apt-get install -y $(XLANG_DEBS)
JAVA_JARS := /usr/share/java/jackson-annotations.jar /usr/share/java/jackson-core.jar /usr/share/java/jackson-databind.jar /usr/share/java/jsr305.jar /usr/share/java/geronimo-annotation-1.3-spec.jar
JAVA_CP := $(subst $(eval) ,:,$(JAVA_JARS))
GO_ENV := GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOCACHE=$(CURDIR)/build/go-cache GOPATH=$(CURDIR)/build/gopath
GO_RUNNER := build/conformance/go-runner
JAVA_RUNNER := build/conformance/java-runner
ANSWERS := tests/vectors/answers.json
xlang-toolchains:
	@if command -v go >/dev/null && command -v javac >/dev/null && ls $(JAVA_JARS) >/dev/null 2>&1; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing the Go and Java toolchains: $(XLANG_INSTALL)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(XLANG_DEBS); \
	else \
		echo "make xlang-toolchains: the Go and Java clients need Debian packages that are missing, and this is not root with apt-get; run as root: $(XLANG_INSTALL)" >&2; \
		exit 1; \
	fi

$(GO_RUNNER): $(wildcard generated/go/*.go generated/go/go.mod overlay/go/*.go overlay/go/go.mod tests/conformance/go/*.go tests/conformance/go/go.mod)
	@$(MAKE) --no-print-directory xlang-toolchains
	@test -z "$$(gofmt -l overlay/go tests/conformance/go)" || { echo "gofmt -w these: $$(gofmt -l overlay/go tests/conformance/go)" >&2; exit 1; }
	cd overlay/go && $(GO_ENV) go vet ./... && $(GO_ENV) go test ./...
	cd tests/conformance/go && $(GO_ENV) go vet . && $(GO_ENV) go build -o $(CURDIR)/$@ .

# javac, then a launcher with the class path (Debian's jars) that conformance-java and
# tests/conformance/test_journey.py run.
$(JAVA_RUNNER): $(shell find generated/java/src/main overlay/java/src/main tests/conformance/java -name '*.java' 2>/dev/null)
	@$(MAKE) --no-print-directory xlang-toolchains
	rm -rf build/conformance/java && mkdir -p build/conformance/java
	javac -nowarn -d build/conformance/java -cp $(JAVA_CP) $^
	printf '#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -cp "%s" Runner "$$@"\n' "$(CURDIR)/build/conformance/java:$(JAVA_CP)" > $@
	chmod +x $@

# The TypeScript journey runner (tests/conformance/test_journey.py), compiled with the rest
# of the TypeScript by ts-build, which is redone here only when a TypeScript source changed.
TS_JOURNEY := $(TS_OUT)/tests/conformance/typescript/journey.js
$(TS_JOURNEY): tsconfig.json $(wildcard generated/typescript/*.ts overlay/typescript/*.ts tests/typescript/*.ts tests/conformance/typescript/*.ts)
	@$(MAKE) --no-print-directory ts-build

# Everything the journey test runs: built once, then only when a source changes.
xlang-build: $(GO_RUNNER) $(JAVA_RUNNER) $(TS_JOURNEY)

conformance-go: $(GO_RUNNER)
	$(GO_RUNNER) corpus $(ANSWERS)

conformance-java: $(JAVA_RUNNER)
	$(JAVA_RUNNER) signing tests/vectors/signing.json
	$(JAVA_RUNNER) corpus $(ANSWERS)

# _version.py: the editable install's metadata carries the version, so a new one reinstalls
$(INSTALLED): pyproject.toml $(CONSTRAINTS) overlay/eko_digilocker/_version.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: the TypeScript client needs Node.js 20+ and npm (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

generate: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python scripts/generate.py

check-generated: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/python scripts/generate.py --check

# The spec through openapi-generator's mainstream targets (Java 17+): any warning but the
# 3.1 beta notice fails. Then typescript-fetch's models decode every documented answer.
generator-matrix: $(INSTALLED) $(NODE_INSTALLED)
	rm -rf $(MATRIX_OUT) build/matrix-typescript
	$(BIN)/python scripts/generator_matrix.py --keep $(MATRIX_OUT)
	node_modules/.bin/tsc -p tsconfig.matrix.json
	node --test build/matrix-typescript/tests/typescript-fetch/

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/openapi-spec-validator openapi/eko-digilocker.yaml openapi/sandbox-control.yaml

typecheck: $(INSTALLED) ts-build
	$(BIN)/mypy overlay/eko_digilocker sandbox/eko_digilocker_sandbox examples/kyc_app

# tsc --strict (tsconfig.json) type-checks the generated types, the overlay and the tests
# as it compiles them for Node's test runner.
ts-build: $(NODE_INSTALLED)
	rm -rf $(TS_OUT)
	node_modules/.bin/tsc -p tsconfig.json

# Signing vectors and the journey against a real sandbox process (both profiles, ids past
# 2^31, content-type on the wire); every answer's reading is `make conformance`'s.
ts-test: ts-build $(INSTALLED)
	node --test $(TS_OUT)/tests/typescript/

# The answer corpus (tests/vectors/answers.json, rule: docs/answer-rule.md) read by each
# language's client; each prints `conformance <language>: passed/total`.
conformance: $(INSTALLED) ts-build
	$(BIN)/python -m tests.conformance.python_runner
	node $(TS_OUT)/tests/typescript/conformance.js
	@$(MAKE) --no-print-directory conformance-go conformance-java

# Everything but the contract suite (`make contract`, which also writes its coverage
# report) and the install tests (`make install-test`).
unit: $(INSTALLED) browser
	$(BIN)/pytest --ignore=tests/install --ignore=tests/contract --junitxml=reports/junit.xml

# The contract suite alone: against the embedded sandbox, or against the server named by
# EKO_CONTRACT_BASE_URL with EKO_DEVELOPER_KEY / EKO_ACCESS_KEY (e.g. Eko's UAT). Writes
# reports/contract-coverage.{json,html}; against the embedded sandbox a documented cell
# left unreached fails the run (docs/contract-tests.md).
contract: $(INSTALLED)
	EKO_CONTRACT_COVERAGE=reports/contract-coverage.json $(BIN)/pytest tests/contract --junitxml=reports/contract-junit.xml

# Mutation testing (not in `make test`): mutmut over the sandbox's rule modules (auth,
# sessions, answers), the journey properties as the test command; writes
# reports/mutation.json and prints the score. At most EKO_MUTATION_BUDGET_S (1800) seconds;
# EKO_MUTATION_FILES=auth.py,... for a subset (docs/contract-tests.md, "Mutation score").
mutation: $(INSTALLED)
	$(BIN)/python scripts/mutation.py

# The same property and contract tests with many more, random examples.
fuzz: $(INSTALLED) browser
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/contract tests/client tests/sandbox -x

# The worked example's own test project (examples/kyc_app/pytest.ini loads the kit's
# plugin with -p, as a team's project would).
example: $(INSTALLED)
	cd examples/kyc_app && ../../$(BIN)/pytest --junitxml=../../reports/example-junit.xml

# Packaging: what users install, at the spec's info.version (scripts/versions.py).
# dist/: the wheel and sdist (runtime dependencies only) and the npm tarball.
DIST := dist
NPM_LIB := lib
dist: $(INSTALLED) $(NODE_INSTALLED)
	rm -rf $(DIST) $(NPM_LIB)
	$(BIN)/python -m build --outdir $(DIST) . >/dev/null
	node_modules/.bin/tsc -p tsconfig.dist.json
	npm pack --pack-destination $(DIST) --loglevel=error >/dev/null
	@ls -1 $(DIST)

# The spec against the last release (openapi/released/<version>.yaml) or BASE=old.yaml:
# exits 1 listing each breaking change; says whether the next version is major, minor or
# patch. `make test` fails only on a breaking change without a new major info.version
# (tests/test_breaking.py).
check-breaking: $(INSTALLED)
	$(BIN)/python scripts/check_breaking.py $(if $(BASE),--base $(BASE))

# Each artifact installed into an empty venv / npm project, then used against a sandbox.
# (tests/install builds dist/ itself, so it never tests a stale one).
install-test: $(INSTALLED) $(NODE_INSTALLED)
	$(BIN)/pytest tests/install --junitxml=reports/install-junit.xml

test: check-generated lint typecheck generator-matrix ts-test conformance unit contract example install-test

# The demo needs the runtime dependencies only (about 50 MB, not the development
# toolchain): a venv of its own, made once (scripts/runtime_venv.py).
RUNTIME_VENV := build/runtime-venv
demo:
	$(PYTHON) scripts/runtime_venv.py $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python examples/demo.py

bench: $(INSTALLED)
	$(BIN)/python -m bench.run

sandbox: $(INSTALLED)
	$(BIN)/eko-digilocker sandbox --port 8080

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache reports node_modules build dist lib
