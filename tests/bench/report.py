"""Turns results.jsonl (written by measure.py, gui.py and run.sh) into one Markdown table.

Usage: report.py results.jsonl > results.md   (meta lines come from the environment, see run.sh)

Each figure is `median (min–max)` over the runs. "ratio" is always Slingshot ÷ reference: for
times and memory lower is better, for MB/s higher is better. The goal column says whether the
issue's goal is met, with the number it was judged on.
"""

import json
import os
import statistics
import sys


def load(path):
    res = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                res[r["key"]] = r
    return res


R = load(sys.argv[1])


def vals(key, field=None):
    r = R.get(key)
    if not r:
        return []
    for f in ([field] if field else ["wall", "values", "rss_mb"]):
        if r.get(f):
            return r[f]
    return []


def med(key, field=None):
    v = vals(key, field)
    return statistics.median(v) if v else None


def fig(v, unit, prec=2):
    if not v:
        return "n/a"
    m, lo, hi = statistics.median(v), min(v), max(v)
    if len(v) == 1:
        return f"{m:.{prec}f} {unit}"
    return f"{m:.{prec}f} {unit} ({lo:.{prec}f}–{hi:.{prec}f})"


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "n/a"


def mbps(key, size_mb):
    return [size_mb / t for t in vals(key, "wall")]


rows = []


def row(what, sl, ref_name, ref, rat, goal=""):
    rows.append(f"| {what} | {sl} | {ref_name} | {ref} | {rat} | {goal} |")


def verdict(ok, text):
    return ("met: " if ok else "MISSED: ") + text


# ---- 1. upload throughput and memory
mib = {"100m": float(os.environ.get("BENCH_SIZE_100M_MB", 100)), "1g": float(os.environ.get("BENCH_SIZE_1G_MB", 1024))}
rss_sl = {}
for tag in ("100m", "1g"):
    s, c = f"up_{tag}_slingshot", f"up_{tag}_curl"
    if s not in R:
        continue
    label = f"{mib[tag] / 1024:g} GiB" if mib[tag] >= 1024 else f"{mib[tag]:g} MiB"
    size = mib[tag] * 1048576 / 1e6  # MB (10^6 bytes), so MB/s is comparable with curl's figures
    row(f"1. upload {label}: wall time", fig(vals(s, "wall"), "s"), "curl -F", fig(vals(c, "wall"), "s"),
        ratio(med(s, "wall"), med(c, "wall")))
    t_sl, t_c = statistics.median(mbps(s, size)), statistics.median(mbps(c, size))
    row(f"1. upload {label}: throughput", fig(mbps(s, size), "MB/s", 0), "curl -F", fig(mbps(c, size), "MB/s", 0),
        ratio(t_sl, t_c), verdict(t_sl >= 0.95 * t_c, f"≥ 0.95× curl (got {t_sl / t_c:.2f}×)"))
    rss_sl[tag] = med(s, "rss_mb")
    row(f"1. upload {label}: peak RSS", fig(vals(s, "rss_mb"), "MiB", 1), "curl -F", fig(vals(c, "rss_mb"), "MiB", 1),
        ratio(rss_sl[tag], med(c, "rss_mb")), verdict(rss_sl[tag] < 40, f"< 40 MiB (got {rss_sl[tag]:.1f} MiB)"))
if len(rss_sl) == 2:
    d = rss_sl["1g"] - rss_sl["100m"]
    row("1. peak RSS, big file minus small file", f"{d:+.1f} MiB", "curl -F",
        f"{med('up_1g_curl', 'rss_mb') - med('up_100m_curl', 'rss_mb'):+.1f} MiB", "",
        verdict(abs(d) <= max(2.0, 0.1 * rss_sl["100m"]), "flat (within 2 MiB or 10 %)"))

# ---- 2. resize
if "rs_slingshot" in R:
    im = med("rs_convert")
    row("2. resize 24 MP → 1280 q85 + upload to sink", fig(vals("rs_slingshot"), "s"), "ImageMagick convert",
        fig(vals("rs_convert"), "s"), ratio(med("rs_slingshot"), im))
    est = med("rs_slingshot") - med("rs_plain")
    row("2. resize alone (estimate: minus plain upload of the output)", f"{est:.2f} s",
        "ImageMagick convert", fig(vals("rs_convert"), "s"), ratio(est, im),
        verdict(est <= im / 2, f"≥ 2× faster than ImageMagick (got {im / est:.1f}×)"))
    vips = med("rs_vips")
    row("2. resize alone (estimate)", f"{est:.2f} s", "vipsthumbnail", fig(vals("rs_vips"), "s"),
        ratio(est, vips), verdict(est <= 1.5 * vips, f"≤ 1.5× vips's time (got {est / vips:.2f}×)"))
    for k, name in (("ssim_slingshot", "Slingshot"), ("ssim_vips", "vipsthumbnail")):
        if k in R:
            row(f"2. output quality vs ImageMagick's output ({name})", R[k].get("text", "n/a"),
                "ImageMagick", "reference", "", "")

# ---- 3. hotkey
if "hotkey_app" in R:
    row("3. Print → link on clipboard (1920x1080)", fig(vals("hotkey_app"), "s"),
        "scrot -o && curl -F \\| xclip", fig(vals("hotkey_pipeline"), "s"),
        ratio(med("hotkey_app"), med("hotkey_pipeline")),
        verdict(med("hotkey_app") < med("hotkey_pipeline") / 2,
                f"< half the pipeline's time (got {med('hotkey_app') / med('hotkey_pipeline'):.2f}×)"))
    row("3. uploaded PNG size", fig(vals("png_app"), "MB"), "scrot PNG", fig(vals("png_pipeline"), "MB"),
        ratio(med("png_app"), med("png_pipeline")))

# ---- 4. footprint
if "app_start" in R:
    row("4. app start → window shown", fig(vals("app_start"), "s"), "", "", "")
if "pss_window_open" in R:
    row("4. app PSS, window open (all processes)", fig(vals("pss_window_open"), "MiB", 1), "", "", "",
        R["pss_window_open"].get("text", ""))
if "pss_tray_idle" in R:
    p = med("pss_tray_idle")
    row(f"4. PSS, {os.environ.get('BENCH_IDLE_SECS', '60')} s idle in tray, window closed (all processes)",
        fig(vals("pss_tray_idle"), "MiB", 1), "Flameshot / ShareX (issue, RSS, not measured)", "~49 MB / ~47 MB",
        ratio(p, 49), verdict(p < 40, f"< 40 MiB PSS (got {p:.1f} MiB; {R['pss_tray_idle'].get('text', '')}; "
                                       f"tray process by mapping: {R['pss_tray_idle'].get('split', 'n/a')})"))
if "pss_hidden" in R:
    row("4. PSS, started `--hidden` (login): the tray process at once", fig(vals("pss_hidden"), "MiB", 1), "", "",
        "", f"by mapping: {R['pss_hidden'].get('split', 'n/a')}")
if "pss_floor" in R:
    row("4. reference: tests/bench/floor.c, C, links GTK 3 + WebKitGTK, gtk_init only", "",
        "", fig(vals("pss_floor"), "MiB", 1), "", f"by mapping: {R['pss_floor'].get('split', 'n/a')}")
if "reopen" in R:
    row("4. window reopened from the tray → page drawn", fig(vals("reopen", "wall"), "s"), "", "", "",
        R["reopen"].get("text", ""))
if "cli_version" in R:
    row("4. `slingshot-cli --version`", fig([v * 1000 for v in vals("cli_version")], "ms", 1), "", "", "",
        R["cli_version"].get("text", ""))

# ---- 5. batch
if "batch_slingshot" in R:
    s, c = med("batch_slingshot"), med("batch_curl")
    row(f"5. 200 × ~200 KB JPEG, one call (app.concurrency = {os.environ.get('BENCH_CONCURRENCY', '3')})",
        fig(vals("batch_slingshot"), "s"), "sequential curl loop", fig(vals("batch_curl"), "s"), ratio(s, c),
        verdict(c / s >= 3, f"≥ 3× faster (got {c / s:.2f}×)"))
    if "batch_host_cpu" in R:
        cpu, cores = R["batch_host_cpu"]["values"][0], R["batch_host_cpu"]["cores"]
        row("5. host CPU time for one Slingshot batch (on the same cores)", f"{cpu:.2f} s",
            "", "", "", f"bound: the host alone needs ≥ {cpu / cores:.2f} s on {cores} cores, so at most "
            f"{c / (cpu / cores):.2f}× the curl loop's median")
    if "batch_history" in R:
        row("5. history after each Slingshot batch", R["batch_history"].get("text", ""), "", "", "", "")

print(f"### Benchmark ({os.environ.get('BENCH_DATE', '')})")
print()
print(f"Machine: {os.environ.get('BENCH_MACHINE', '')}. {os.environ.get('BENCH_NOTES', '')}")
print()
print("Figures are median (min–max). Ratio = Slingshot ÷ reference (times and memory: lower is "
      "better; MB/s: higher is better).")
print()
print("| what | Slingshot | reference | reference figure | ratio | goal / notes |")
print("| --- | --- | --- | --- | --- | --- |")
print("\n".join(rows))
