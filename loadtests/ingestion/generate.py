"""Writes an upload of about N megabytes to stdout, CSV or NDJSON, never holding more than a chunk."""
import sys

fmt, megabytes = sys.argv[1], int(sys.argv[2])
out = sys.stdout.buffer
LINES = 10_000
if fmt == "csv":
    out.write(b"id,type,source,ts,colour,note\n")
    line = '@@-{i},t{t},s{s},2026-01-01T00:{m:02d}:00Z,red,"quoted, with a comma"\n'
else:
    line = '{{"id":"@@-{i}","type":"t{t}","source":"s{s}","ts":"2026-01-01T00:{m:02d}:00Z","payload":{{"colour":"red"}}}}\n'
template = "".join(line.format(i=i, t=i % 5, s=i % 16, m=i % 60) for i in range(LINES)).encode()
written, chunk, limit = 0, 0, megabytes * 1024 * 1024
while written < limit:
    data = template.replace(b"@@", b"%s-%d" % (fmt.encode(), chunk))
    out.write(data)
    written += len(data)
    chunk += 1
out.flush()
