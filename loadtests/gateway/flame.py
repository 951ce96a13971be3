"""A flame graph as a PNG, from collapsed stacks ("frame;frame;frame samples" a line, as async-profiler's
jfr-converter writes them with --output collapsed), and the frames that hold the most samples themselves.

usage: flame.py <collapsed.txt> <out.png> <title>     (dotted names: jfr-converter --dot)
The widest frames are the ones to read first: the width of a frame is the share of CPU samples with
that frame on the stack; what it calls sits above it.
"""
import sys
from collections import Counter

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402


def read(path):
    stacks = []
    with open(path) as lines:
        for line in lines:
            frames, _, count = line.rstrip("\n").rpartition(" ")
            if frames and count.isdigit():
                stacks.append((frames.split(";"), int(count)))
    return stacks


def tree(stacks):
    root = {"name": "all", "value": 0, "children": {}}
    for frames, count in stacks:
        root["value"] += count
        node = root
        for frame in frames:
            node = node["children"].setdefault(frame, {"name": frame, "value": 0, "children": {}})
            node["value"] += count
    return root


def short(frame):
    """com.example.Type.method_[j] -> Type.method: the package is rarely what a reader looks for."""
    name = frame.split("(")[0].split("_[")[0]
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else name


def colour(frame):
    if frame.startswith("dev.sandbox"):
        return "#e8743b"  # the gateway's own code
    if frame.startswith(("io.vertx", "io.netty")):
        return "#4c9be8"  # the event loop and the network
    if frame.startswith(("io.quarkus", "io.smallrye", "io.micrometer", "io.opentelemetry")):
        return "#5fb35f"  # the framework: metrics, tracing, reactive plumbing, fault tolerance
    if frame.startswith(("sun.nio", "java.net")) or ".write0" in frame or ".read0" in frame:
        return "#c9a227"  # system calls: socket reads and writes, wake-ups
    return "#b0b0b0"


def draw(root, path, title, min_share=0.004):
    total = root["value"]
    depth = [0]

    def place(node, x, level, patches):
        depth[0] = max(depth[0], level)
        patches.append((x, level, node["value"], node["name"]))
        offset = x
        for child in sorted(node["children"].values(), key=lambda n: n["name"]):
            if child["value"] / total >= min_share:
                place(child, offset, level + 1, patches)
            offset += child["value"]

    patches = []
    place(root, 0, 0, patches)
    levels = depth[0] + 1
    fig, ax = plt.subplots(figsize=(16, max(4, 0.22 * levels + 1)))
    for x, level, width, name in patches:
        ax.add_patch(Rectangle((x / total, level), width / total, 0.95, facecolor=colour(name), edgecolor="white", linewidth=0.3))
        if width / total > 0.025:
            label = short(name)
            room = int(width / total * 230)
            ax.text((x + width / 2) / total, level + 0.45, label if len(label) <= room else label[: max(room - 1, 1)] + "…",
                    ha="center", va="center", fontsize=6.5, parse_math=False)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, levels)
    ax.set_yticks([])
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_xticklabels(["0", "25%", "50%", "75%", "100% of CPU samples"])
    ax.set_title(f"{title}: {total} samples (orange: gateway code, blue: Vert.x/Netty, green: Quarkus, metrics, tracing, fault tolerance; yellow: socket I/O)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def self_time(stacks, top=15):
    own = Counter()
    for frames, count in stacks:
        own[frames[-1]] += count
    total = sum(own.values())
    return [(frame, count * 100 / total) for frame, count in own.most_common(top)]


if __name__ == "__main__":
    stacks = read(sys.argv[1])
    if not stacks:
        sys.exit(f"no samples in {sys.argv[1]}")
    draw(tree(stacks), sys.argv[2], sys.argv[3])
    for frame, share in self_time(stacks):
        print(f"{share:5.1f}%  {frame}")
