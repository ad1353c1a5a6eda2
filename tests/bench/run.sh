#!/usr/bin/env bash
# `make bench`: Slingshot side by side with the tools people would use instead, on the same
# inputs in the same run. Prints one Markdown table (also saved to target/bench/results.md).
#
#   1. upload 100 MB and 1 GB: slingshot-cli upload vs curl -F, to `slingshot-cli serve --sink`
#   2. resize a 24 MP photo to 1280 px JPEG q85: slingshot-cli vs ImageMagick vs vipsthumbnail
#   3. Print hotkey -> link on the clipboard: the app vs scrot && curl | xclip (gui.py, Xvfb)
#   4. app start-up, PSS idle in the tray, slingshot-cli --version (gui.py, hyperfine)
#   5. 200 JPEGs: one slingshot-cli upload vs a sequential curl loop, to `slingshot-cli serve`
#
# Knobs: BENCH_RUNS (5), BENCH_BIG_RUNS (3, the 1 GB upload), BENCH_CONCURRENCY (3, the default),
# BENCH_IDLE_SECS (60), BENCH_SKIP_SETUP=1 (no apt), BENCH_SKIP_BUILD=1 (use target/release),
# BENCH_SIZE_100M_MB / BENCH_SIZE_1G_MB (file sizes in MiB, smaller only to dry-check),
# BENCH_PARTS ("1 2 3 4 5"; 3 and 4 share one app session).
# Big files, the hosts' data and every scratch file live on a tmpfs (/dev/shm), removed at exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
here="$root/tests/bench"
export PATH="$HOME/.cargo/bin:$PATH"
export PYTHONDONTWRITEBYTECODE=1
PY=/usr/bin/python3  # not a pyenv shim: it would add ~75 ms to every timed pipeline
out="$root/target/bench"
inputs="$out/inputs"  # generated once, reused (photo-derived, deterministic)
results="$out/results.jsonl"
RUNS="${BENCH_RUNS:-5}"
BIG_RUNS="${BENCH_BIG_RUNS:-3}"
export BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-3}" BENCH_IDLE_SECS="${BENCH_IDLE_SECS:-60}"
PHOTO=/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg
export BENCH_SIZE_100M_MB="${BENCH_SIZE_100M_MB:-100}" BENCH_SIZE_1G_MB="${BENCH_SIZE_1G_MB:-1024}"
bin_dir="${BENCH_BIN_DIR:-$root/target/release}"  # another dir (e.g. target/debug) only to dry-check
CLI="$bin_dir/slingshot-cli"
APP="$bin_dir/slingshot"
started=$SECONDS
load_start=$(cut -d" " -f1-3 /proc/loadavg)

say() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started))"; }
die() { echo "bench: $*" >&2; exit 1; }
part() { [[ " ${BENCH_PARTS:-1 2 3 4 5} " == *" $1 "* ]]; }  # BENCH_PARTS="1 5" runs only those

# ---- cleanup: every background process is started with setsid, so it leads its own group
bg_pids=()
work=""
cleanup() {
    local pid
    for pid in "${bg_pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true
    done
    for pid in "${bg_pids[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    done
    [ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 0. tools, build, inputs
APT_BENCH=(imagemagick libvips-tools scrot xvfb xauth xclip xdotool time curl dbus
    python3-dbus python3-gi lomiri-wallpapers-20.04 hyperfine)
if [ "${BENCH_SKIP_SETUP:-0}" != 1 ]; then
    say "setup: system packages"
    make -s deps  # the build's own packages (WebKitGTK etc.) and Rust
    missing=()
    for p in "${APT_BENCH[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
        echo "bench: installing ${missing[*]}"
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi
for t in /usr/bin/convert /usr/bin/compare /usr/bin/time vipsthumbnail scrot Xvfb xvfb-run xclip xdotool curl; do
    command -v "$t" >/dev/null || die "$t is missing (run without BENCH_SKIP_SETUP)"
done
[ -f "$PHOTO" ] || die "$PHOTO is missing (Debian package lomiri-wallpapers-20.04)"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && [ -z "${BENCH_BIN_DIR:-}" ]; then
    say "build: cargo build --release --bin slingshot --bin slingshot-tray --bin slingshot-cli"
    cargo build --release --bin slingshot --bin slingshot-tray --bin slingshot-cli
fi
[ -x "$CLI" ] || die "$CLI is missing"
if part 3 || part 4; then [ -x "$APP" ] || die "$APP is missing"; fi

mkdir -p "$out" "$inputs"
work="$(mktemp -d /dev/shm/slingshot-bench.XXXXXX)"
rm -f "$results"

say "inputs"
if [ ! -s "$inputs/photo24.jpg" ]; then
    /usr/bin/convert "$PHOTO" -resize '6000x4000!' -quality 90 "$inputs/photo24.jpg.tmp"
    mv "$inputs/photo24.jpg.tmp" "$inputs/photo24.jpg"
fi
if [ ! -s "$inputs/screen.jpg" ]; then
    /usr/bin/convert "$PHOTO" -resize '1920x1080^' -gravity center -extent 1920x1080 -quality 92 "$inputs/screen.jpg"
fi
if [ "$(find "$inputs/batch" -name '*.jpg' 2>/dev/null | wc -l)" -ne 200 ]; then
    bash "$here/make_batch.sh" "$PHOTO" "$inputs/batch"
fi
# Random (incompressible) payload behind an MP4 `ftyp` box: sniffed as video/mp4, so the
# pipeline sends it as it is, like a real video file.
make_big() {  # FILE MiB
    { printf '\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom'; head -c $(($2 * 1048576 - 24)) /dev/urandom; } >"$1"
}
if part 1; then
    make_big "$work/big100.mp4" "$BENCH_SIZE_100M_MB"
    make_big "$work/big1g.mp4" "$BENCH_SIZE_1G_MB"
fi
echo "photo24.jpg $(identify -format '%wx%h' "$inputs/photo24.jpg"), batch: 200 files, $(du -sh "$inputs/batch" | cut -f1); big files on tmpfs $work"

# ---- local hosts and the CLI's own settings
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    die "nothing listens on 127.0.0.1:$1"
}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
KEY="chv_bench_$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 64)"
export SLINGSHOT_API_KEY="$KEY" SLINGSHOT_HOST_KEY="$KEY" SLINGSHOT_NO_KEYRING=1
export SLINGSHOT_CONFIG_DIR="$work/cli-config" SLINGSHOT_DATA_DIR="$work/cli-data"
mkdir -p "$SLINGSHOT_CONFIG_DIR" "$SLINGSHOT_DATA_DIR"
"$CLI" config set app.concurrency "$BENCH_CONCURRENCY" >/dev/null

sink_port=$(free_port)
setsid "$CLI" serve --sink --addr "127.0.0.1:$sink_port" --data "$work/sink" >"$work/sink.log" 2>&1 &
bg_pids+=($!)
host_port=$(free_port)
setsid "$CLI" serve --addr "127.0.0.1:$host_port" --data "$work/host" >"$work/host.log" 2>&1 &
host_pid=$!
bg_pids+=("$host_pid")
wait_port "$sink_port"
wait_port "$host_port"
SINK="http://127.0.0.1:$sink_port"
HOST="http://127.0.0.1:$host_port"
curl_up() { echo "curl -sS --fail -o /dev/null -H \"X-API-Key: $KEY\" -F source=@$1 $2/api/1/upload"; }
measure() { "$PY" "$here/measure.py" --out "$results" "$@"; }

# ---- 1. upload throughput and memory
if part 1; then
    say "1. upload $BENCH_SIZE_100M_MB MiB ($RUNS runs) and $BENCH_SIZE_1G_MB MiB ($BIG_RUNS runs) to the sink"
    measure --runs "$RUNS" --rss --cmd up_100m_slingshot "$CLI upload --server $SINK $work/big100.mp4" \
        --cmd up_100m_curl "$(curl_up "$work/big100.mp4" "$SINK")"
    measure --runs "$BIG_RUNS" --rss --cmd up_1g_slingshot "$CLI upload --server $SINK $work/big1g.mp4" \
        --cmd up_1g_curl "$(curl_up "$work/big1g.mp4" "$SINK")"
    rm -f "$work/big1g.mp4" "$work/big100.mp4"
fi

# ---- 2. resize
if part 2; then
    say "2. resize 24 MP -> 1280 px JPEG q85 ($RUNS runs)"
    big="$inputs/photo24.jpg"
    measure --runs "$RUNS" \
        --cmd rs_slingshot "$CLI upload --server $SINK --resize 1280 --jpeg-quality 85 $big" \
        --cmd rs_convert "/usr/bin/convert $big -resize 1280x -quality 85 $work/im.jpg" \
        --cmd rs_vips "vipsthumbnail $big -s 1280x -o $work/vips.jpg[Q=85]"
    # Slingshot deletes its resized copy after sending: fetch what the real host stored.
    sl_url=$("$CLI" upload --server "$HOST" --resize 1280 --jpeg-quality 85 --json "$big" |
        "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline())["url"])')
    curl -sS --fail -o "$work/sl.jpg" "$sl_url"
    measure --runs "$RUNS" --cmd rs_plain "$CLI upload --server $SINK $work/sl.jpg"
    quality() {  # KEY FILE: SSIM (ssim.py, luma, 8x8 blocks) and PSNR of FILE vs ImageMagick's output
        local dims ssim psnr
        dims="$(identify -format '%wx%h' "$2") vs $(identify -format '%wx%h' "$work/im.jpg")"
        ssim=$("$PY" "$here/ssim.py" "$2" "$work/im.jpg" 2>&1 | tr -d '\n"' || true)
        psnr=$(compare -metric PSNR "$2" "$work/im.jpg" null: 2>&1 | tr -d '\n"' || true)
        echo "{\"key\": \"$1\", \"text\": \"SSIM $ssim, PSNR $psnr dB ($dims px, $(stat -c %s "$2") vs $(stat -c %s "$work/im.jpg") bytes)\"}" >>"$results"
    }
    quality ssim_slingshot "$work/sl.jpg"
    quality ssim_vips "$work/vips.jpg"
fi

# ---- 5. batch (before the GUI part, which leaves the host's disk busier)
if part 5; then
    say "5. batch: 200 JPEGs, one slingshot-cli call vs a curl loop ($BIG_RUNS runs)"
    mkdir -p "$work/batch-data"
    # Each Slingshot run gets a fresh data dir, so its history holds exactly that run's uploads.
    measure --runs "$BIG_RUNS" --warmup 0 \
        --cmd batch_slingshot "bash -c 'SLINGSHOT_DATA_DIR=\$(mktemp -d -p $work/batch-data) exec $CLI upload --server $HOST $inputs/batch/*.jpg >/dev/null'" \
        --cmd batch_curl "bash -c 'for f in $inputs/batch/*.jpg; do $(curl_up "\$f" "$HOST") || exit 1; done'"
    # The host's own CPU time for one more Slingshot batch: with the host on the same cores, it
    # bounds how fast any client can be (report.py prints the bound).
    host_ticks() { awk '{print $14 + $15}' "/proc/$host_pid/stat"; }
    t0=$(host_ticks)
    SLINGSHOT_DATA_DIR=$(mktemp -d -p "$work") "$CLI" upload --server "$HOST" "$inputs"/batch/*.jpg >/dev/null
    t1=$(host_ticks)
    echo "{\"key\": \"batch_host_cpu\", \"values\": [$(awk -v a="$t0" -v b="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN {print (b - a) / hz}')], \"cores\": $(nproc)}" >>"$results"
    counts=()
    for d in "$work"/batch-data/*/; do
        counts+=("$(SLINGSHOT_DATA_DIR="$d" "$CLI" history --json --limit 1000 |
            "$PY" -c "import json,sys; e=json.load(sys.stdin); print(str(sum(x.get('status') == 'uploaded' for x in e)) + '/' + str(len(e)))")")
    done
    echo "{\"key\": \"batch_history\", \"text\": \"uploaded/total entries per run: ${counts[*]} (expected 200/200)\"}" >>"$results"
    echo "history per run (uploaded/total): ${counts[*]}"
fi

# ---- 4b. CLI start-up
if part 4; then
    say "4. slingshot-cli --version"
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 5 --runs 50 --export-json "$work/hf.json" "$CLI --version" >/dev/null
        "$PY" -c 'import json,sys; t=json.load(open(sys.argv[1]))["results"][0]["times"]; print(json.dumps({"key": "cli_version", "wall": t, "text": "hyperfine -N, 50 runs"}))' "$work/hf.json" >>"$results"
    else
        measure --runs 30 --warmup 3 --cmd cli_version "$CLI --version"
fi
fi

# ---- 3 and 4a. the desktop app under Xvfb
if part 3 || part 4; then
    say "3+4. the desktop app under Xvfb 1920x1080 (idle $BENCH_IDLE_SECS s)"
    mkdir -p "$work/gui"
    # The floor of any GTK 3 + WebKitGTK process, to compare the tray figure with.
    floor=()
    # shellcheck disable=SC2046  # pkg-config prints several flags
    if cc -O2 -o "$work/floor" "$here/floor.c" -Wl,--no-as-needed $(pkg-config --cflags --libs webkit2gtk-4.1 gtk+-3.0); then
        floor=(--floor "$work/floor")
    else
        echo "bench: cannot build tests/bench/floor.c (no C compiler?); its row is left out" >&2
    fi
    setsid xvfb-run -a -s "-screen 0 1920x1080x24 -noreset" dbus-run-session -- \
        "$PY" "$here/gui.py" --out "$results" --bin "$APP" --work "$work/gui" --host "$HOST" \
        --background "$inputs/screen.jpg" --runs "$RUNS" --idle "$BENCH_IDLE_SECS" "${floor[@]}" &
    gui_pid=$!
    bg_pids+=("$gui_pid")
    wait "$gui_pid" || { cp "$work/gui/app.log" "$out/app.log" 2>/dev/null || true; die "gui part failed (app log: $out/app.log)"; }
fi

# ---- report
say "report"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
export BENCH_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
export BENCH_MACHINE="$(nproc) CPUs ($cpu), $ram RAM, $(. /etc/os-release && echo "$PRETTY_NAME")"
export BENCH_NOTES="Binaries: ${bin_dir#"$root"/}. Files and host data on tmpfs; sink: \`slingshot-cli serve --sink\` (reads and discards the whole body). The app runs under Xvfb with software rendering (as in the e2e tests). Total run: $((SECONDS - started)) s; load average at start $load_start, at end $(cut -d" " -f1-3 /proc/loadavg)."
"$PY" "$here/report.py" "$results" | tee "$out/results.md"
echo
echo "bench: table saved to target/bench/results.md (raw runs: target/bench/results.jsonl)"
