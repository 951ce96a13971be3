"""The benchmark's report: a summary with the ratios, a markdown page and a PNG chart."""
import csv, json, statistics, sys
from collections import defaultdict

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

report, upload_mb, duration, vus = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
# round, service events/s, perf test records/s, CPU µs/event of each, the broker's behind each, load
with open(f"{report}/rounds.tsv") as rows:
    rounds = [(int(r[0]), int(r[1]), int(r[2]), float(r[3]), float(r[4]), float(r[5]), float(r[6]), r[7])
              for r in csv.reader(rows, delimiter="\t")]
ratio = statistics.median(r[1] / r[2] for r in rounds)
cpu_ratio = statistics.median(r[3] / r[4] for r in rounds)
series = defaultdict(list)
with open(f"{report}/rss.csv") as rows:
    for label, seconds, rss in csv.reader(rows):
        series[label].append((float(seconds), float(rss)))
uploads = {}
for label in series:
    with open(f"{report}/upload-{label}.json") as answer:
        uploads[label] = json.load(answer)

lines = [f"round  service events/s  perf-test records/s  ratio  service µs CPU/event  perf-test µs CPU/event  broker µs/event (service / perf test)  load"]
for n, service, kafka, cpu_service, cpu_kafka, broker_service, broker_kafka, load in rounds:
    lines.append(f"{n:>5}  {service:>17,}  {kafka:>19,}  {service / kafka:>5.2f}  {cpu_service:>20.1f}  {cpu_kafka:>22.1f}"
                 f"  {broker_service:>18.1f} / {broker_kafka:<16.1f}  {load}")
lines += [f"service: HTTP in, broker-acked, {vus} clients, {duration} a round; perf test: same broker and producer settings",
          f"ratio service / Kafka alone, median of {len(rounds)} rounds: {ratio:.2f}",
          f"CPU per event, service / Kafka alone, median of {len(rounds)} rounds: {cpu_ratio:.2f}"]
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
width = 0.38
numbers = [r[0] for r in rounds]
bars.bar([n - width / 2 for n in numbers], [r[1] for r in rounds], width, label="service (HTTP, acks=all)", color="tab:blue")
bars.bar([n + width / 2 for n in numbers], [r[2] for r in rounds], width, label="kafka-producer-perf-test", color="tab:gray")
for n, service, kafka, *_ in rounds:
    bars.annotate(f"{service / kafka:.2f}×", (n, max(service, kafka)), ha="center", va="bottom")
bars.set_xticks(numbers, [f"round {n}" for n in numbers])
bars.set_ylabel("events/s")
bars.set_title(f"throughput, side by side (median ratio {ratio:.2f})")
bars.set_ylim(top=max(max(r[1], r[2]) for r in rounds) * 1.3)
bars.legend(loc="upper left", ncol=2, fontsize="small")
for label, points in series.items():
    memory.plot([s for s, _ in points], [r for _, r in points], label=f"{upload_mb} MB {label}")
memory.set_xlabel("seconds")
memory.set_ylabel("RSS (MB)")
memory.set_ylim(bottom=0)
memory.set_title("service RSS during streamed uploads")
memory.legend()
figure.tight_layout()
figure.savefig(f"{report}/report.png", dpi=110)
