# Slingshot: set-up, run and test from a fresh Debian 12 machine.
#
#   make run    installs what is missing, then builds and opens the desktop app
#   make test   installs what is missing, then runs every check CI runs
#
# Everything GUI-related in the tests runs under a private X server and D-Bus session
# (xvfb-run + dbus-run-session), so tests never open windows on your desktop and clipboard,
# tray and notification code has a display and a session bus even on a headless machine.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# rustup installs cargo here; putting it on PATH lets `make deps` and the build run in one go.
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO ?= cargo
# The oldest Rust the crate builds with (Cargo.toml `rust-version`).
RUST_MIN := 1.85

# Debian 12 packages: the toolchain's C side, WebKitGTK/GTK for the Tauri shell, the tray,
# clipboard (X11 and Wayland) and keyring back-ends, and the headless test tools (gsettings + dconf
# for the GNOME shortcut writer's test).
APT_PACKAGES := build-essential pkg-config libssl-dev \
	libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev libgtk-3-dev \
	libayatana-appindicator3-dev librsvg2-dev libclang-dev libpipewire-0.3-dev \
	libgbm-dev libegl-dev libwayland-dev libxcb1-dev libdbus-1-dev \
	xvfb xauth xdotool xclip dbus dbus-x11 imagemagick \
	chromium \
	dconf-gsettings-backend gnome-settings-daemon-common libglib2.0-bin

# apt needs root; use sudo only when we are not root already.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

# A private display and session bus for anything that may touch the GUI.
HEADLESS := xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session --

# Tests never use the desktop keyring and never touch your real settings or history.
TEST_HOME := $(CURDIR)/target/test-home
TEST_ENV := SLINGSHOT_NO_KEYRING=1 \
	SLINGSHOT_CONFIG_DIR=$(TEST_HOME)/config \
	SLINGSHOT_DATA_DIR=$(TEST_HOME)/data \
	RUST_BACKTRACE=1

.PHONY: help deps rust node run build test test-fmt test-clippy test-cli-only test-cargo test-ui test-e2e bench clean-test-home

help:
	@echo "make run    install missing system packages, build and open the desktop app"
	@echo "make test   install missing system packages, run fmt, clippy, the CLI-only build and all tests"
	@echo "make deps   only install missing system packages (and Rust, if cargo is not found)"
	@echo "make bench  benchmark against curl, ImageMagick, vips and scrot (needs an idle machine)"

# Installs only what is missing: a machine that has every package never runs apt at all.
deps: rust node
	@installed=" $$({ dpkg-query -W -f='$${Package}:$${Status}\n' $(APT_PACKAGES) 2>/dev/null || true; } \
		| sed -n 's/:install ok installed$$//p' | tr '\n' ' ') "; \
	missing=(); \
	for p in $(APT_PACKAGES); do \
		[[ "$$installed" == *" $$p "* ]] || missing+=("$$p"); \
	done; \
	if [ $${#missing[@]} -eq 0 ]; then \
		echo "deps: all $(words $(APT_PACKAGES)) system packages are installed"; \
	else \
		echo "deps: installing $${missing[*]}"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$${missing[@]}"; \
	fi

# Node.js runs the UI tests; Debian's nodejs/npm only when no node is installed at all.
node:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
		echo "node: not found; installing Debian's nodejs and npm"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm; }

# Debian 12's own rustc (1.63) is too old, so Rust comes from rustup when cargo is absent.
rust:
	@if ! command -v $(CARGO) >/dev/null 2>&1; then \
		echo "rust: cargo not found; installing the stable toolchain with rustup"; \
		if ! command -v curl >/dev/null 2>&1; then \
			$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update; \
			$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates; \
		fi; \
		curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
			| sh -s -- -y --profile minimal --component rustfmt,clippy; \
	fi
	@have=$$(rustc --version | awk '{print $$2}'); \
	if [ "$$(printf '%s\n%s\n' "$(RUST_MIN)" "$$have" | sort -V | head -n1)" != "$(RUST_MIN)" ]; then \
		echo "rust: rustc $$have is older than $(RUST_MIN); run 'rustup update stable'" >&2; exit 1; \
	fi

build: deps
	$(CARGO) build --bin slingshot --bin slingshot-tray

# The app hands over to slingshot-tray when idle, so both are built.
run: build
	$(CARGO) run --bin slingshot

# Every check CI runs, cheapest first. `make -k test` runs the rest after a failure.
test: deps test-fmt test-clippy test-cli-only test-cargo test-ui test-e2e
	@echo "test: all checks passed"

# Plain diffs in CI logs: rustfmt colours them even when writing to a file.
test-fmt: deps
	$(CARGO) fmt --all --check -- --color=$(if $(CI),never,auto)

test-clippy: deps
	$(CARGO) clippy --all-targets -- -D warnings

# The CLI must build without the desktop feature, i.e. with no WebKit/GTK at all: its dependency
# tree has none of them, and it type-checks on its own (`check`: a full second build of every
# dependency with other features would double CI time for no extra certainty).
test-cli-only: deps
	@tree="$$($(CARGO) tree --no-default-features -e normal,build --prefix none)"; \
	if grep -E '^(tauri|wry|webkit2gtk|javascriptcore-rs|gtk|soup3) ' <<<"$$tree"; then \
		echo "test-cli-only: the CLI-only build pulls in the desktop stack (above)" >&2; exit 1; \
	fi; \
	echo "test-cli-only: $$(wc -l <<<"$$tree") dependency lines, no WebKit/GTK/Tauri"
	$(CARGO) check --no-default-features --lib --bin slingshot-cli

# `--all-targets` skips doctests, so they get their own run.
test-cargo: deps clean-test-home
	$(TEST_ENV) $(HEADLESS) $(CARGO) test --all-targets
	$(TEST_ENV) $(CARGO) test --doc

# UI tests (e.g. Playwright) run when tests/ui/ has a package.json; npm ci keeps them reproducible.
test-ui: deps
	@if [ -f tests/ui/package.json ]; then \
		command -v npm >/dev/null 2>&1 || { echo "test-ui: npm is needed for tests/ui" >&2; exit 1; }; \
		(cd tests/ui && npm ci --no-audit --no-fund && node --test); \
	else \
		echo "test-ui: no tests/ui/package.json, skipped"; \
	fi

# End-to-end tests of the real app: tests/e2e/run.sh sets up its tools and gives each scenario
# its own X server and D-Bus session.
test-e2e: deps
	bash tests/e2e/run.sh

clean-test-home:
	@rm -rf "$(TEST_HOME)" && mkdir -p "$(TEST_HOME)/config" "$(TEST_HOME)/data"

bench:
	bash tests/bench/run.sh
