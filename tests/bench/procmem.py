"""Memory of a process tree, for the benchmark (gui.py): PSS summed over a process and its
descendants (/proc/*/smaps_rollup), and one process's PSS split by kind of mapping."""

import os


def tree(root):
    """`root` and all its descendants, from /proc/*/stat parent links."""
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(pid))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def pss_of(root):
    """-> (total PSS MB, total RSS MB, 'name pid: PSS' breakdown) over the process tree."""
    return pss_pids(tree(root))


def pss_pids(pids):
    """-> (total PSS MB, total RSS MB, 'name: PSS' breakdown) over these processes."""
    total_pss = total_rss = 0
    parts = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as f:
                fields = {ln.split(":")[0]: ln.split()[1] for ln in f if ln.split()[1:2] and ":" in ln}
            with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
                name = f.read().strip()
        except OSError:
            continue
        pss, rss = int(fields.get("Pss", 0)) / 1024, int(fields.get("Rss", 0)) / 1024
        total_pss += pss
        total_rss += rss
        parts.append(f"{name} {pss:.1f}")
    return total_pss, total_rss, ", ".join(parts)



GROUPS = (  # mapping name patterns -> group, for the main process's PSS breakdown
    ("WebKit+JSC", ("libwebkit2gtk", "libjavascriptcoregtk")),
    ("GL (Mesa, LLVM)", ("libLLVM", "_dri.so", "libgallium", "libGLX", "libEGL", "libGL", "libgbm", "libdrm")),
    ("heap+anon", ("[heap]", "[anon]", "[stack", "")),
)


def breakdown(pid, binary):
    """The main process's PSS by kind of mapping, as 'group MB, ...' (from /proc/PID/smaps)."""
    sums, name = {}, None
    try:
        with open(f"/proc/{pid}/smaps", encoding="utf-8") as f:
            for ln in f:
                head = ln.split()
                if head and "-" in head[0] and ":" not in head[0]:
                    name = head[5] if len(head) > 5 else ""
                elif head and head[0] == "Pss:" and name is not None:
                    if os.path.realpath(name) == os.path.realpath(binary):
                        group = "executable"
                    else:
                        base = os.path.basename(name) if name.startswith("/") else name
                        group = next((g for g, pats in GROUPS for p in pats
                                      if (p and p in base) or (not p and base == "")), "other libraries")
                    sums[group] = sums.get(group, 0) + int(head[1]) / 1024
    except OSError:
        return ""
    return ", ".join(f"{g} {v:.1f}" for g, v in sorted(sums.items(), key=lambda kv: -kv[1]))
