"""Shared helpers for the real-client scenarios (tests/clients/run.sh starts the nodes).

A scenario is a list of named steps. Each step may need earlier steps; a step whose needs failed
is skipped, so one missing endpoint does not hide the state of every other one. The runner prints
PASS / FAIL / SKIP per step, the HTTP exchanges of a failing step, and a summary; it exits 1 if
any step failed or was skipped.
"""

import collections
import json
import os
import re
import struct
import sys
import time
import traceback
import zlib

# --- configuration from run.sh -------------------------------------------------------------

def env(name, default=None):
    value = os.environ.get(name, default)
    if value is None:
        sys.exit(f"{name} is not set (run tests/clients/run.sh)")
    return value


HERE = os.path.dirname(os.path.abspath(__file__))
DEADLINE = float(os.environ.get("HALQA_CLIENTS_DEADLINE", "30"))
VERBOSE = os.environ.get("HALQA_CLIENTS_VERBOSE", "") not in ("", "0", "false")

# --- assertions ------------------------------------------------------------------------------

DATETIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\d$")


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def check_eq(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def check_id(value, what):
    """Mastodon ids are strings of digits (clients such as Ivory need them numeric)."""
    check(isinstance(value, str) and value.isdigit(),
          f"{what}: expected a string of digits, got {value!r} ({type(value).__name__})")
    return value


def check_fields(obj, fields, what):
    missing = [f for f in fields if f not in obj]
    check(not missing, f"{what}: missing fields {missing} (has {sorted(obj.keys())})")


def check_datetime(value, what):
    check(isinstance(value, str) and DATETIME_RE.match(value) is not None,
          f"{what}: expected a datetime like 2024-01-02T03:04:05.000Z, got {value!r}")


ACCOUNT_FIELDS = [
    "id", "username", "acct", "url", "display_name", "note", "avatar", "avatar_static", "header",
    "header_static", "locked", "bot", "created_at", "last_status_at", "statuses_count",
    "followers_count", "following_count", "emojis", "fields",
]
STATUS_FIELDS = [
    "id", "uri", "url", "created_at", "edited_at", "account", "content", "visibility", "sensitive",
    "spoiler_text", "media_attachments", "mentions", "tags", "emojis", "reblogs_count",
    "favourites_count", "replies_count", "in_reply_to_id", "in_reply_to_account_id", "reblog",
    "poll", "card", "language",
]
STATUS_FIELDS_AUTHED = ["favourited", "reblogged", "muted", "bookmarked"]
MEDIA_FIELDS = ["id", "type", "url", "preview_url", "remote_url", "meta", "description", "blurhash"]
NOTIFICATION_FIELDS = ["id", "type", "created_at", "account"]
RELATIONSHIP_FIELDS = [
    "id", "following", "showing_reblogs", "notifying", "followed_by", "blocking", "blocked_by",
    "muting", "muting_notifications", "requested", "domain_blocking", "endorsed",
]


def check_raw_account(a, what="account"):
    check(isinstance(a, dict), f"{what}: expected an object, got {a!r}")
    check_fields(a, ACCOUNT_FIELDS, what)
    check_id(a["id"], f"{what}.id")
    check_datetime(a["created_at"], f"{what}.created_at")
    check(a["last_status_at"] is None or (isinstance(a["last_status_at"], str)
                                          and DATE_RE.match(a["last_status_at"])),
          f"{what}.last_status_at: expected a date YYYY-MM-DD or null, got {a['last_status_at']!r}")
    for f in ("avatar", "avatar_static", "header", "header_static", "url"):
        check(isinstance(a[f], str) and a[f] != "", f"{what}.{f}: expected a non-empty URL, got {a[f]!r}")


def check_raw_status(s, what="status", authed=True):
    check(isinstance(s, dict), f"{what}: expected an object, got {s!r}")
    check_fields(s, STATUS_FIELDS + (STATUS_FIELDS_AUTHED if authed else []), what)
    check_id(s["id"], f"{what}.id")
    check_datetime(s["created_at"], f"{what}.created_at")
    check(s["url"] is None or (isinstance(s["url"], str) and s["url"] != ""),
          f"{what}.url: expected a URL or null, got {s['url']!r}")
    check(isinstance(s["spoiler_text"], str), f"{what}.spoiler_text must be a string")
    check(s["visibility"] in ("public", "unlisted", "private", "direct"),
          f"{what}.visibility: {s['visibility']!r}")
    check_raw_account(s["account"], f"{what}.account")
    for m in s["media_attachments"]:
        check_fields(m, MEDIA_FIELDS, f"{what}.media_attachments[]")
        check_id(m["id"], f"{what}.media_attachments[].id")
    if s["reblog"] is not None:
        check_raw_status(s["reblog"], f"{what}.reblog", authed)


# --- polling -------------------------------------------------------------------------------

def wait_for(description, probe, timeout=None, interval=0.2):
    """Calls probe() until it returns something truthy, or fails after `timeout` seconds.
    Errors raised by probe() are not swallowed: a 500 while polling is a failure."""
    timeout = DEADLINE if timeout is None else timeout
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {description}"
                                 f" (last probe returned {short(last)})")
        time.sleep(interval)


def short(value, n=300):
    text = repr(value)
    return text if len(text) <= n else text[:n] + "…"


# --- HTTP recording (what a failing step asked and got) --------------------------------------

class Recorder:
    """A requests response hook that keeps the last exchanges, for failure reports and raw-JSON
    checks (Mastodon.py turns JSON into its own types; these checks look at the wire)."""

    def __init__(self, size=200):
        self.seq = 0
        self.log = collections.deque(maxlen=size)

    def hook(self, response, *args, **kwargs):
        self.seq += 1
        ctype = response.headers.get("content-type", "")
        if "event-stream" in ctype or response.status_code == 101:
            body = "<stream>"
        else:
            try:
                body = response.content.decode("utf-8", "replace")
            except Exception as e:  # noqa: BLE001
                body = f"<unreadable body: {e}>"
        req = response.request
        req_body = req.body
        if isinstance(req_body, bytes):
            req_body = (req_body[:300].decode("utf-8", "replace") + ("…" if len(req_body) > 300 else ""))
        elif isinstance(req_body, str) and len(req_body) > 300:
            req_body = req_body[:300] + "…"
        self.log.append({
            "seq": self.seq, "method": req.method, "url": req.url, "req_ctype":
            req.headers.get("content-type"), "req_body": req_body, "status": response.status_code,
            "ctype": ctype, "link": response.headers.get("link"), "body": body,
        })

    def session(self):
        import requests
        s = requests.Session()
        s.hooks["response"].append(self.hook)
        return s

    def since(self, seq):
        return [e for e in self.log if e["seq"] > seq]

    def last_json(self, method, path_re):
        """Parsed body of the newest exchange whose method matches and URL matches path_re."""
        rx = re.compile(path_re)
        for e in reversed(self.log):
            if e["method"] == method and rx.search(e["url"]):
                try:
                    return json.loads(e["body"])
                except ValueError:
                    raise AssertionError(f"{method} {e['url']} answered {e['status']} with a non-JSON body"
                                         f" ({e['ctype']}): {short(e['body'])}")
        raise AssertionError(f"no recorded {method} matching {path_re}")

    def last(self, method, path_re):
        rx = re.compile(path_re)
        for e in reversed(self.log):
            if e["method"] == method and rx.search(e["url"]):
                return e
        raise AssertionError(f"no recorded {method} matching {path_re}")


RECORDER = Recorder()


def format_exchange(e, body_limit=600):
    body = e["body"] if len(e["body"]) <= body_limit else e["body"][:body_limit] + "…"
    lines = [f"    {e['method']} {e['url']} -> {e['status']} ({e['ctype'] or 'no content-type'})"]
    if e["req_body"]:
        lines.append(f"      request ({e['req_ctype']}): {e['req_body']}")
    if e["link"]:
        lines.append(f"      Link: {e['link']}")
    lines.append(f"      response: {body}")
    return "\n".join(lines)


# --- the step runner -------------------------------------------------------------------------

class Scenario:
    def __init__(self, name):
        self.name = name
        self.steps = []
        self.state = {}

    def step(self, name, needs=()):
        """Registers fn as a step; `needs` lists earlier step functions that must have passed."""
        def deco(fn):
            self.steps.append((name, fn, tuple(needs)))
            return fn
        return deco

    def run(self):
        results = {}  # step function -> PASS / FAIL / SKIP
        titles = {fn: name for name, fn, _ in self.steps}
        print(f"--- {self.name}: {len(self.steps)} steps", flush=True)
        for name, fn, needs in self.steps:
            missing = [titles.get(n, getattr(n, "__name__", str(n))) for n in needs
                       if results.get(n) != "PASS"]
            if missing:
                results[fn] = "SKIP"
                print(f"SKIP {name} (needs: {'; '.join(missing)})", flush=True)
                continue
            seq = RECORDER.seq
            start = time.monotonic()
            try:
                fn(self.state)
            except Exception as e:  # noqa: BLE001
                results[fn] = "FAIL"
                print(f"FAIL {name} ({time.monotonic() - start:.1f}s): {type(e).__name__}: {e}", flush=True)
                if VERBOSE:
                    traceback.print_exc(file=sys.stdout)
                else:
                    where = [f for f in traceback.extract_tb(e.__traceback__)
                             if os.path.dirname(os.path.abspath(f.filename)) == HERE
                             and f.filename.endswith("_scenario.py")]
                    if where:
                        f = where[-1]
                        print(f"  at {os.path.basename(f.filename)}:{f.lineno}: {f.line}")
                exchanges = RECORDER.since(seq)[-6:]
                if exchanges:
                    print("  last HTTP exchanges of this step:")
                    for x in exchanges:
                        print(format_exchange(x))
                sys.stdout.flush()
                continue
            results[fn] = "PASS"
            print(f"PASS {name} ({time.monotonic() - start:.1f}s)", flush=True)
        counts = collections.Counter(results.values())
        print(f"--- {self.name}: {counts['PASS']} passed, {counts['FAIL']} failed, "
              f"{counts['SKIP']} skipped", flush=True)
        return 0 if counts["PASS"] == len(self.steps) else 1


# --- a PNG without dependencies ------------------------------------------------------------

def make_png(width=64, height=48):
    """An RGB gradient PNG built with zlib and struct only."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            row += bytes((x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 128))
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
