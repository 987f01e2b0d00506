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

.PHONY: setup browser xlang-toolchains ts-runner java-runner dist dist-python install-test check-breaking generate check-generated generator-matrix ts-build ts-test conformance lint typecheck unit example test demo sandbox contract fuzz bench clean php-toolchain php-test go-test bench-go java-test java-bench mutation

setup: $(INSTALLED) $(NODE_INSTALLED) browser xlang-toolchains php-toolchain

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
# offline from Debian's packages: golang-go (1.19, which every go.mod here names), JDK 17, and Jackson, jsr305 and the javax.annotation
# API as jars (javac, no Maven). Both builds are cached in build/ and redone only when a
# source changes. docs/other-languages.md says what built, with which versions.
XLANG_DEBS := golang-go openjdk-17-jdk-headless libjackson2-core-java libjackson2-databind-java libjackson2-annotations-java libjsr305-java libgeronimo-annotation-1.3-spec-java
XLANG_INSTALL := apt-get update && apt-get install -y $(XLANG_DEBS)
JAVA_JARS := /usr/share/java/jackson-annotations.jar /usr/share/java/jackson-core.jar /usr/share/java/jackson-databind.jar /usr/share/java/jsr305.jar /usr/share/java/geronimo-annotation-1.3-spec.jar
JAVA_CP := $(subst $(eval) ,:,$(JAVA_JARS))
GO_ENV := GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GOCACHE=$(CURDIR)/build/go-cache GOPATH=$(CURDIR)/build/gopath
GO_RUNNER := build/conformance/go-runner
JAVA_RUNNER := build/conformance/java-runner
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

$(GO_RUNNER): $(wildcard generated/go/*.go generated/go/go.mod overlay/go/*.go overlay/go/go.mod overlay/go/openapi.json tests/conformance/go/*.go tests/conformance/go/go.mod)
	@$(MAKE) --no-print-directory xlang-toolchains
	@test -z "$$(gofmt -l overlay/go tests/conformance/go)" || { echo "gofmt -w these: $$(gofmt -l overlay/go tests/conformance/go)" >&2; exit 1; }
	cd overlay/go && $(GO_ENV) go vet ./...
	cd tests/conformance/go && $(GO_ENV) go vet . && $(GO_ENV) go build -o $(CURDIR)/$@ .

# The PHP client (overlay/php, Composer package eko/digilocker) runs on Debian's PHP 8.2
# with curl, mbstring and Guzzle 7; Composer makes the install test's empty project and
# PHPUnit runs its own tests. Packagist is not needed: Debian's Guzzle is found through its
# autoloader (overlay/php/src/guzzle.php).
PHP_DEBS := php-cli php-curl php-mbstring php-guzzlehttp-guzzle composer phpunit
PHP_INSTALL := apt-get update && apt-get install -y $(PHP_DEBS)
php-toolchain:
	@if command -v php >/dev/null && command -v composer >/dev/null && command -v phpunit >/dev/null \
		&& php -r 'exit(extension_loaded("curl") && extension_loaded("mbstring") ? 0 : 1);' \
		&& [ -f /usr/share/php/GuzzleHttp/autoload.php ]; then \
		true; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing the PHP toolchain: $(PHP_INSTALL)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PHP_DEBS); \
	else \
		echo "make php-toolchain: the PHP client needs Debian packages that are missing, and this is not root with apt-get; run as root: $(PHP_INSTALL)" >&2; \
		exit 1; \
	fi

# The PHP client's own tests (PHPUnit): signing vectors, the answer rule's traps, retries,
# and hostile servers (hang, drip, huge body, gzip bomb) with their deadline and memory bound.
php-test: php-toolchain
	mkdir -p reports && phpunit -c overlay/php/phpunit.xml.dist --log-junit reports/php-junit.xml

# The Go SDK's own tests (overlay/go): signing vectors, the answer reader, and the
# hostile servers (hang, drip, huge body, gzip bomb: typed errors within the deadline,
# peak memory bounded); then the answer corpus through the generated client and
# eko.ReadAnswer (the SDK's reading is `make conformance`'s). Run on every `make test`.
go-test: $(GO_RUNNER)
	cd overlay/go && $(GO_ENV) go test -count=1 ./...
	$(GO_RUNNER) corpus tests/vectors/answers.json

# The Go SDK's call against the bare generated client's, same stub server, same run.
bench-go:
	@$(MAKE) --no-print-directory xlang-toolchains
	cd overlay/go && $(GO_ENV) EKO_GO_BENCH=1 go test -count=1 -v -run 'TestOverheadAgainstTheGeneratedClient' .

# javac, then a launcher with the class path (Debian's jars) that the Java runner file
# (tests/conformance/runners/java.json) runs. The SDK reads the spec (input checks, policy)
# from the class path: the generated copy of it goes in beside the classes.
JAVA_CLASSES := build/conformance/java
JAVA_SPEC := generated/eko_digilocker_client/openapi.json
$(JAVA_RUNNER): $(JAVA_SPEC) $(shell find generated/java/src/main overlay/java/src/main tests/conformance/java -name '*.java' 2>/dev/null)
	@$(MAKE) --no-print-directory xlang-toolchains
	rm -rf $(JAVA_CLASSES) && mkdir -p $(JAVA_CLASSES)/eko/digilocker
	javac -nowarn -Xlint:none -d $(JAVA_CLASSES) -cp $(JAVA_CP) $(filter %.java,$^)
	cp $(JAVA_SPEC) $(JAVA_CLASSES)/eko/digilocker/openapi.json
	printf '#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -cp "%s" Runner "$$@"\n' "$(CURDIR)/$(JAVA_CLASSES):$(JAVA_CP)" > $@
	chmod +x $@

# The Java SDK against a hostile loopback server (tests/conformance/java/HostileServerTest.java):
# a hang, a drip, a huge body and a gzip bomb each end in their typed exception within the
# deadline; the small heap and the asserted peak show the answer cap holds. Then SdkTest:
# settings from arguments and EKO_* variables, and one client used by many threads. Then
# AnswersCompatTest: 2.0.0's API (Answers on the generated client) reads the answer corpus.
java-test: $(JAVA_RUNNER)
	java -Xmx96m -XX:+UseSerialGC -cp $(JAVA_CLASSES):$(JAVA_CP) HostileServerTest
	java -XX:TieredStopAtLevel=1 -cp $(JAVA_CLASSES):$(JAVA_CP) SdkTest
	java -XX:TieredStopAtLevel=1 -cp $(JAVA_CLASSES):$(JAVA_CP) AnswersCompatTest tests/vectors/answers.json

# The Java SDK's call against the bare generated client's, to one in-process stub server in
# one run (tests/conformance/java/Bench.java); prints the ratio (target <= 1.25x).
java-bench: $(JAVA_RUNNER)
	java -cp $(JAVA_CLASSES):$(JAVA_CP) Bench

# The TypeScript runner (tests/conformance/typescript/runner.ts), compiled with the rest
# of the TypeScript by ts-build, redone only when a TypeScript source changed.
TS_RUNNER := $(TS_OUT)/tests/conformance/typescript/runner.js
$(TS_RUNNER): tsconfig.json $(wildcard generated/typescript/*.ts overlay/typescript/*.ts tests/typescript/*.ts tests/conformance/typescript/*.ts bench/typescript/*.ts)
	@$(MAKE) --no-print-directory ts-build

# The builds the runner files (tests/conformance/runners/*.json) name.
ts-runner: $(NODE_INSTALLED) $(TS_RUNNER)

# The signing vectors once per build of the runner (a stamp file).
java-runner: build/conformance/java-signing.ok
build/conformance/java-signing.ok: $(JAVA_RUNNER) tests/vectors/signing.json
	$(JAVA_RUNNER) signing tests/vectors/signing.json
	touch $@

# _version.py: the editable install's metadata carries the version, so a new one reinstalls
$(INSTALLED): pyproject.toml $(CONSTRAINTS) overlay/eko_digilocker/_version.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e '.[dev,sandbox]'
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

# Every language with a runner file (tests/conformance/runners/*.json, protocol:
# docs/conformance.md), side by side: the answers, behaviour and redirects corpora, the
# journey in both sandbox profiles, and the client's default policy against the spec.
# Fails on a failure tests/conformance/expected-failures.json does not list, and on a
# listed case that passes.
conformance: $(INSTALLED)
	$(BIN)/python -m tests.conformance.harness

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
# dist-python: the wheel and sdist alone, with no npm and no dev toolchain (a venv with
# `build` only, made once).
BUILD_VENV := build/build-venv
dist-python:
	test -x $(BUILD_VENV)/bin/python || { $(PYTHON) -m venv $(BUILD_VENV) && $(BUILD_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) build; }
	rm -rf $(DIST)
	$(BUILD_VENV)/bin/python -m build --outdir $(DIST) . >/dev/null

dist: dist-python $(NODE_INSTALLED)
	rm -rf $(NPM_LIB)
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

# The builds and the language suites run one after another (they share build/); then the
# four pytest suites, which build nothing, two at a time: they spend much of their time
# waiting on sockets and deadlines, so the 2 cores keep busy (make test stays under 12 min).
test: check-generated lint typecheck generator-matrix ts-test php-test go-test java-test conformance
	$(MAKE) --no-print-directory -j2 --output-sync=target unit contract example install-test

# The demo needs the runtime dependencies only (about 50 MB, not the development
# toolchain): a venv of its own, made once (scripts/runtime_venv.py).
RUNTIME_VENV := build/runtime-venv
demo:
	$(PYTHON) scripts/runtime_venv.py $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python examples/demo.py

bench: $(INSTALLED) ts-build
	$(BIN)/python -m bench.run
	@$(MAKE) --no-print-directory bench-go
	@$(MAKE) --no-print-directory java-bench

sandbox: $(INSTALLED)
	$(BIN)/eko-digilocker sandbox --port 8080

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache reports node_modules build dist lib
