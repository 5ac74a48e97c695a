#!/usr/bin/env python3
"""Keypress -> screen latency of a program running in a tmux pane, through tmux control mode.

Usage: keypress-latency.py SOCKET SESSION [COUNT]

Attaches a control-mode client (`tmux -C`) to SESSION on the tmux server SOCKET, then COUNT
times: writes `send-keys` for `j` (or `k`, alternating, so every key changes the screen), and
times until tmux reports the pane's first output after it (`%output`). A quiet gap follows each
key so frames of one key never count for the next. Prints the median, p90, p95 and maximum.
This measures what the operator sees through tmux; it asserts nothing.
"""
import os
import select
import subprocess
import sys
import time

socket, session = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 200
client = subprocess.Popen(
    ["tmux", "-L", socket, "-C", "attach", "-t", session],
    stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
out = client.stdout.fileno()
buffer = b""


def lines(timeout):
    """Lines tmux sent within `timeout` seconds."""
    global buffer
    deadline = time.monotonic() + timeout
    while True:
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield line
        left = deadline - time.monotonic()
        if left <= 0:
            return
        ready, _, _ = select.select([out], [], [], left)
        if not ready:
            return
        chunk = os.read(out, 65536)
        if not chunk:
            raise SystemExit("tmux control client ended")
        buffer += chunk


def drain(quiet):
    """Reads until the pane has been silent for `quiet` seconds."""
    while True:
        got_output = False
        for line in lines(quiet):
            if line.startswith(b"%output"):
                got_output = True
                break
        if not got_output:
            return


drain(1.0)
samples = []
misses = 0
for i in range(count):
    key = "j" if i % 2 == 0 else "k"
    started = time.monotonic()
    client.stdin.write(f"send-keys -t {session} {key}\n".encode())
    seen = None
    for line in lines(1.0):
        if line.startswith(b"%output"):
            seen = time.monotonic()
            break
    if seen is None:
        misses += 1
    else:
        samples.append((seen - started) * 1000)
    drain(0.05)
client.stdin.write(b"detach-client\n")
client.wait(timeout=5)
if not samples:
    raise SystemExit("no key produced output within 1 s")
samples.sort()
pick = lambda q: samples[min(len(samples) - 1, int(len(samples) * q))]
print(
    f"keypress -> screen through tmux: median {pick(0.5):.2f} ms, p90 {pick(0.9):.2f} ms, "
    f"p95 {pick(0.95):.2f} ms, max {samples[-1]:.2f} ms, n={len(samples)}, no output: {misses}")
