"""Runs commands several times, interleaved, and records wall time and peak RSS.

Usage: measure.py --out results.jsonl --runs N [--warmup W] [--rss] [--env K=V ...]
                  --cmd KEY 'command line' [--cmd KEY2 'command line' ...]

Each command line is split like a shell would (shlex), without a shell; use `bash -c '...'` for
pipelines and loops. Commands run round-robin (a, b, a, b...) so a slow phase of the machine
hits both sides alike. Per KEY, one JSON line is appended to --out:
  {"key": KEY, "wall": [seconds...], "rss_mb": [MB...] (with --rss), "cmd": "..."}
Peak RSS is GNU time's %M (the largest resident set of the process and its waited children).
A command that exits non-zero stops the benchmark with its stderr: a failed upload must never be
timed as a fast one.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def run_once(argv, env, rss):
    """-> (wall seconds, peak RSS MB or None, stdout bytes)."""
    rss_file = None
    if rss:
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file, *argv]
    t0 = time.monotonic()
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    wall = time.monotonic() - t0
    peak = None
    if rss_file:
        try:
            with open(rss_file, encoding="utf-8") as f:
                lines = [ln for ln in f.read().split("\n") if ln.strip()]
            peak = int(lines[-1]) / 1024.0  # %M is in KiB
        except (OSError, ValueError, IndexError):
            peak = None
        os.unlink(rss_file)
    if p.returncode != 0:
        sys.stderr.write(f"measure: command failed (exit {p.returncode}): {shlex.join(argv)}\n")
        sys.stderr.write(p.stderr.decode(errors="replace")[-2000:] + "\n")
        sys.exit(1)
    return wall, peak, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs of each command first")
    ap.add_argument("--rss", action="store_true")
    ap.add_argument("--expect", help="text every stdout must contain (e.g. http)")
    ap.add_argument("--env", action="append", default=[], metavar="K=V")
    ap.add_argument("--cmd", nargs=2, action="append", required=True, metavar=("KEY", "CMDLINE"))
    a = ap.parse_args()

    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    cmds = [(key, shlex.split(line)) for key, line in a.cmd]
    res = {key: {"key": key, "wall": [], "rss_mb": [], "cmd": shlex.join(argv)} for key, argv in cmds}
    for _ in range(a.warmup):
        for key, argv in cmds:
            run_once(argv, env, False)
    for i in range(a.runs):
        # Alternate which side goes first so neither always follows the other.
        order = cmds if i % 2 == 0 else list(reversed(cmds))
        for key, argv in order:
            wall, peak, out = run_once(argv, env, a.rss)
            if a.expect and a.expect.encode() not in out:
                sys.stderr.write(f"measure: {key}: output lacks {a.expect!r}: {out[:300]!r}\n")
                sys.exit(1)
            res[key]["wall"].append(wall)
            if peak is not None:
                res[key]["rss_mb"].append(peak)
            extra = f", {peak:.1f} MB" if peak is not None else ""
            print(f"  {key}: run {i + 1}/{a.runs}: {wall:.3f} s{extra}", flush=True)
    with open(a.out, "a", encoding="utf-8") as f:
        for key, _ in cmds:
            r = res[key]
            if not r["rss_mb"]:
                del r["rss_mb"]
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
