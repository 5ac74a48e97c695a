"""Scrapes a Pilothouse /metrics endpoint and checks it, for Scripts/e2e/metrics.sh.

usage: metrics-scrape.py URL OUT.json
Parses the answer with prometheus_client's own text parser (a malformed exposition fails
here) and writes {sample name: [[labels, value], ...]} to OUT.json.
"""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

url, out = sys.argv[1], sys.argv[2]
with urllib.request.urlopen(url, timeout=10) as response:
    if response.status != 200:
        sys.exit("scrape of %s answered %d" % (url, response.status))
    kind = response.headers.get("Content-Type", "")
    if not kind.startswith("text/plain; version=0.0.4"):
        sys.exit("scrape of %s has content type %r" % (url, kind))
    text = response.read().decode("utf-8")
samples = {}
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        samples.setdefault(sample.name, []).append([sample.labels, sample.value])
json.dump(samples, open(out, "w"))
