"""The benchmark's report: a summary with the ratios, a markdown page and a PNG chart."""
import csv, json, sys
from collections import defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

report, service_rate, kafka_rate, upload_mb, duration, vus = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
series = defaultdict(list)
with open(f"{report}/rss.csv") as rows:
    for label, seconds, rss in csv.reader(rows):
        series[label].append((float(seconds), float(rss)))
uploads = {}
for label in series:
    with open(f"{report}/upload-{label}.json") as answer:
        uploads[label] = json.load(answer)

lines = [f"events/s through the service (HTTP in, broker-acked, {vus} clients, {duration}): {service_rate}",
         f"events/s of kafka-producer-perf-test, same broker and settings:           {kafka_rate}",
         f"ratio service / Kafka alone: {service_rate / kafka_rate:.2f}"]
for label, points in series.items():
    baseline = points[0][1]
    peak = max(rss for _, rss in points)
    answer = uploads[label]
    outcome = f"{answer['accepted']} events accepted" if "accepted" in answer else f"answered {answer.get('status')}: {answer.get('detail')}"
    growth = peak - baseline
    lines.append(f"{upload_mb} MB {label} upload: {outcome}; RSS {baseline:.0f} MB before, peak {peak:.0f} MB, "
                 f"growth {growth:.0f} MB ({'under' if growth < 100 else 'OVER'} the 100 MB bound)")
print("\n".join(lines))

with open(f"{report}/report.md", "w") as md:
    md.write("# Ingestion benchmark\n\nReproduce with `./sandbox bench ingestion`.\n\n```\n" + "\n".join(lines) + "\n```\n\n![chart](report.png)\n")

figure, (bars, memory) = plt.subplots(1, 2, figsize=(12, 4.5))
bars.bar(["service\n(HTTP, acks=all)", "kafka-producer-\nperf-test"], [service_rate, kafka_rate], color=["tab:blue", "tab:gray"])
bars.set_ylabel("events/s")
bars.set_title(f"throughput (ratio {service_rate / kafka_rate:.2f})")
for label, points in series.items():
    memory.plot([s for s, _ in points], [r for _, r in points], label=f"{upload_mb} MB {label}")
memory.set_xlabel("seconds")
memory.set_ylabel("RSS (MB)")
memory.set_ylim(bottom=0)
memory.set_title("service RSS during streamed uploads")
memory.legend()
figure.tight_layout()
figure.savefig(f"{report}/report.png", dpi=110)
