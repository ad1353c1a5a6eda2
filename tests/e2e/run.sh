#!/usr/bin/env bash
# End-to-end tests of the real desktop binary. Usage: bash tests/e2e/run.sh [scenario ...]
#
# Installs its tools if missing (setup.sh; E2E_SKIP_SETUP=1 skips), builds the app once
# (E2E_SKIP_BUILD=1 skips), then
# runs each scenario (tests/e2e/s*.py) in its OWN private X server and session bus:
#   xvfb-run -a -s "-screen 0 1920x1080x24 -noreset" dbus-run-session -- python sN_....py
# Each scenario uses fresh temp config/data dirs and stops every process it started.
# Screenshots and logs go to target/e2e-artifacts/. The last line is "N passed, N failed"
# (counting checks); the exit code is non-zero if any check failed or a scenario died.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here="tests/e2e"
target="${CARGO_TARGET_DIR:-$root/target}"
artifacts="$target/e2e-artifacts"
py="$target/e2e-venv/bin/python"
per_scenario_timeout="${E2E_TIMEOUT:-150}"

if [ "${E2E_SKIP_SETUP:-0}" != 1 ]; then
    bash "$here/setup.sh" || { echo "e2e: setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi

if [ "${E2E_SKIP_BUILD:-0}" = 1 ]; then
    echo "e2e: E2E_SKIP_BUILD=1, using the binaries already in $target/debug"
elif echo "e2e: building the app (cargo build --bin slingshot --bin slingshot-tray --bin slingshot-cli)" &&
    ! cargo build --bin slingshot --bin slingshot-tray --bin slingshot-cli; then
    echo "e2e: the app does not build"
    echo "0 passed, 1 failed"
    exit 1
fi

mkdir -p "$artifacts"

if [ $# -gt 0 ]; then
    scenarios=()
    for n in "$@"; do scenarios+=("$here/${n%.py}.py"); done
else
    # wayland_*.py run their own Wayland session (as another user) inside the same wrapper.
    scenarios=("$here"/s[0-9]*.py "$here"/wayland_*.py)
fi

passed=0
failed=0
started=$SECONDS
for sc in "${scenarios[@]}"; do
    name="$(basename "$sc" .py)"
    log="$artifacts/$name.out"
    rm -f "$artifacts/$name".*  # this scenario's artifacts from an earlier run
    echo "=== $name"
    t0=$SECONDS
    # A scenario may ask for another screen with a "# e2e-screen: WxHxD" line (s9: two monitors).
    screen="$(sed -n 's/^# e2e-screen: *//p' "$sc" | head -n 1)"
    # The tests import e2e.py/tray.py from tests/e2e; the env keeps them off any real desktop.
    PYTHONPATH="$root/$here" PYTHONDONTWRITEBYTECODE=1 \
        timeout -k 10 "$per_scenario_timeout" \
        xvfb-run -a -s "-screen 0 ${screen:-1920x1080x24} -noreset" \
        dbus-run-session -- "$py" "$sc" >"$log" 2>&1
    rc=$?
    p=$(grep -c '^PASS: ' "$log")
    f=$(grep -c '^FAIL: ' "$log")
    if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
        grep -E '^(PASS|FAIL): ' "$log"
    else
        # The whole log (with the app's output) when something failed, minus dbus-daemon noise.
        grep -v -E '^dbus-daemon\[[0-9]+\]|Failed to set fd limit' "$log"
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        # Died without reporting a failure (timeout, crash): count it as one.
        echo "FAIL: $name: exited $rc without reporting a failed check ($( [ $rc -eq 124 ] && echo "timed out after ${per_scenario_timeout}s"))"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    echo "=== $name: $p passed, $f failed ($((SECONDS - t0))s)"
done

echo "e2e: ${#scenarios[@]} scenarios in $((SECONDS - started))s; screenshots and logs in $artifacts"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
