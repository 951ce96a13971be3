"""Prints 'label,seconds,rss_mb' for a process every 0.25 s until killed (RSS from /proc)."""
import sys, time

pid, label = sys.argv[1], sys.argv[2]
start = time.time()
while True:
    with open(f"/proc/{pid}/status") as status:
        rss_kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    print(f"{label},{time.time() - start:.2f},{rss_kb / 1024:.1f}", flush=True)
    time.sleep(0.25)
