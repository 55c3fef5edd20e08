# OpenRCM: `make run` sets everything up and opens the product; `make test` runs
# every check CI runs. Both install what they need on a fresh machine.

DATA_DIR ?= var/rcm
RCM      := target/release/rcm
WHEEL    := $(CURDIR)/var/cache/simple_icd_10_cm-1.5.0-py3-none-any.whl

.PHONY: run build data test lint unit browser bench bench-x12 bench-claims bench-server bench-receivables clean-data

run: data
	$(RCM) --data-dir $(DATA_DIR) serve --demo

build:
	cargo build --release -p rcm-cli

data: build
	scripts/install-data.sh $(DATA_DIR)

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

unit:
	scripts/install-test-tools.sh
	scripts/install-data.sh --download-only
	RCM_OFFICIAL_ICD10CM=$(WHEEL) RCM_VENV=$(CURDIR)/.venv scripts/test-postgres.sh
	RCM_OFFICIAL_ICD10CM=$(WHEEL) RCM_VENV=$(CURDIR)/.venv cargo test --workspace --exclude rcm-store --exclude rcm-server

browser:
	scripts/test-browser.sh

test: lint unit browser

bench: data
	scripts/bench/codes-bench.sh

bench-server:
	scripts/bench/server-bench.sh

bench-claims:
	scripts/bench/claims-bench.sh

bench-receivables:
	scripts/bench/receivables-bench.sh

# rcm-x12 and its peers in one run (RUNS=N: runs per mode, default 7; see the script's header).
bench-x12:
	scripts/bench/x12-bench.sh $(RUNS)

clean-data:
	rm -rf $(DATA_DIR)
