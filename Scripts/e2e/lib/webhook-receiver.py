#!/usr/bin/env python3
"""A webhook receiver for Scripts/e2e/webhooks.sh: checks every X-Pilothouse-Signature-256
(HMAC-SHA256 of the raw body, compared in constant time) and logs one JSON line per request.

usage: webhook-receiver.py PORT LOG   (secret in PH_HOOK_SECRET)
Answers 204 to a good signature, 401 to a bad or missing one.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys

SECRET = os.environ["PH_HOOK_SECRET"].encode()
PORT = int(sys.argv[1])
LOG = sys.argv[2]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        given = self.headers.get("X-Pilothouse-Signature-256", "")
        good = hmac.compare_digest(expected, given)
        entry = {"good": good, "delivery": self.headers.get("X-Pilothouse-Delivery")}
        if good:
            payload = json.loads(body)
            entry.update(
                event=payload["event"], delivery_id=payload["delivery_id"], bead_seq=payload["data"]["bead_seq"],
                header_event=self.headers.get("X-Pilothouse-Event"))
        with open(LOG, "a") as log:
            log.write(json.dumps(entry) + "\n")
        self.send_response(204 if good else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
