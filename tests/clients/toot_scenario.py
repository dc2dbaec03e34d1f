#!/usr/bin/env python3
"""The toot CLI (0.52.1) against two running Halqa nodes: see tests/clients/run.sh.

Drives the real `toot` command from the venv in subprocesses, with its config in a temporary
XDG_CONFIG_HOME. carol is a user of node A, dave of node B. Both `--json` output (checked field by
field) and toot's human output are used: the latter parses every entity into toot's dataclasses,
the strictest reader among the clients, so a missing field fails there.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from common import Scenario, check, check_eq, check_fields, check_id, check_raw_account, \
    check_raw_status, env, make_png, short, wait_for

A_URL = env("HALQA_A_URL")
B_URL = env("HALQA_B_URL")
A_DOMAIN = env("HALQA_A_DOMAIN")
B_DOMAIN = env("HALQA_B_DOMAIN")
PASSWORD = env("HALQA_CLIENTS_PASSWORD")
WORKDIR = env("HALQA_CLIENTS_WORKDIR")
CAROL = f"carol@{A_DOMAIN}"
DAVE = f"dave@{B_DOMAIN}"
RUN = str(int(time.time()))
TOOT = os.path.join(os.path.dirname(os.path.abspath(sys.executable)), "toot")

CONFIG_HOME = tempfile.mkdtemp(prefix="toot-config-", dir=WORKDIR)
TOOT_ENV = dict(os.environ, XDG_CONFIG_HOME=CONFIG_HOME, TERM="dumb", COLUMNS="120",
                NO_COLOR="1", PYTHONIOENCODING="utf-8")

sc = Scenario("toot")


def toot(*args, user=None, timeout=60):
    """Runs toot; fails with its output on a non-zero exit. Returns stdout."""
    cmd = [TOOT] + (["--as", user] if user else []) + [str(a) for a in args]
    shown = " ".join(a if a != PASSWORD else "***" for a in cmd[1:])
    try:
        p = subprocess.run(cmd, env=TOOT_ENV, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`toot {shown}` did not finish within {timeout}s")
    if p.returncode != 0:
        raise AssertionError(f"`toot {shown}` exited {p.returncode}\n  stdout: {short(p.stdout, 1500)}"
                             f"\n  stderr: {short(p.stderr, 1500)}")
    return p.stdout


def toot_json(*args, user=None):
    out = toot(*args, "--json", user=user)
    try:
        return json.loads(out)
    except ValueError:
        raise AssertionError(f"`toot {' '.join(map(str, args))} --json` did not print JSON: {short(out, 800)}")


@sc.step("login_cli (password grant) for dave@B and carol@A")
def login(st):
    for url, email in ((B_URL, "dave@example.org"), (A_URL, "carol@example.org")):
        out = toot("login_cli", "-i", url, "-e", email, "-p", PASSWORD)
        check("Successfully logged in" in out, f"login_cli output: {out!r}")
    with open(os.path.join(CONFIG_HOME, "toot", "config.json")) as f:
        config = json.load(f)
    check({CAROL, DAVE} <= set(config["users"]), f"users in toot's config: {list(config['users'])}")
    check_eq(config["active_user"], CAROL, "active user")
    check({A_DOMAIN, B_DOMAIN} <= set(config["apps"]), f"apps in toot's config: {list(config['apps'])}")
    out = toot("auth")
    check(CAROL in out and DAVE in out, f"toot auth: {out!r}")


@sc.step("whoami (JSON and human)", needs=[login])
def whoami(st):
    me = toot_json("whoami", user=CAROL)
    check_raw_account(me, "whoami")
    check_eq(me["username"], "carol", "username")
    check_eq(me["acct"], "carol", "acct")
    out = toot("whoami", user=CAROL)
    check("@carol" in out, f"whoami output: {out!r}")
    st["carol"] = me


@sc.step("instance (JSON and human)", needs=[login])
def instance(st):
    inst = toot_json("instance", user=CAROL)
    check_eq(inst["uri"], A_DOMAIN, "instance uri")
    out = toot("instance", user=CAROL)
    check(A_DOMAIN in out, f"instance output: {out!r}")


@sc.step("post a status", needs=[login])
def post(st):
    text = f"Séquence sur les fractions {RUN} #maths"
    s = toot_json("post", text, "--language", "fr", user=CAROL)
    check_raw_status(s, "posted status")
    check(f"fractions {RUN}" in s["content"], f"content: {s['content']!r}")
    st["text"], st["status"] = text, s


@sc.step("post with media and alt text", needs=[login])
def post_media(st):
    path = os.path.join(WORKDIR, "toot.png")
    with open(path, "wb") as f:
        f.write(make_png(40, 30))
    s = toot_json("post", "--media", path, "--description", "Un dégradé", f"Image {RUN}", user=CAROL)
    check_raw_status(s, "status with media")
    check_eq(len(s["media_attachments"]), 1, "attachments")
    m = s["media_attachments"][0]
    check_eq(m["type"], "image", "media type")
    check_eq(m["description"], "Un dégradé", "alt text")
    check(m["url"], f"attachment url: {m['url']!r}")
    st["media_status"] = s


@sc.step("timeline --once and timelines home --json", needs=[post, post_media])
def timeline(st):
    out = toot("timeline", "--once", user=CAROL)
    check(f"fractions {RUN}" in out, f"own status missing from `toot timeline --once`: {short(out, 1500)}")
    tl = toot_json("timelines", "home", "--limit", "5", user=CAROL)
    check(isinstance(tl, list), f"timelines home: {short(tl)}")
    ids = [s["id"] for s in tl]
    check(st["status"]["id"] in ids and st["media_status"]["id"] in ids, f"home ids {ids}")
    for s in tl:
        check_raw_status(s, "home status")


@sc.step("status, favourite, reblog", needs=[post])
def interact(st):
    sid = st["status"]["id"]
    s = toot_json("status", sid, user=CAROL)
    check_eq(s["id"], sid, "status id")
    out = toot("status", sid, user=CAROL)
    check(f"fractions {RUN}" in out, f"status output: {short(out)}")
    fav = toot_json("favourite", sid, user=CAROL)
    check_eq(fav["favourited"], True, "favourited")
    rb = toot_json("reblog", sid, user=CAROL)
    check(rb["id"] != sid, "reblog has the original's id")
    check(rb.get("reblog") and rb["reblog"]["id"] == sid, f"reblog.reblog: {short(rb.get('reblog'))}")
    thread = toot_json("thread", sid, user=CAROL)
    check_fields(thread, ["ancestors", "descendants"], "context")


@sc.step("search --resolve dave@B", needs=[login])
def search(st):
    res = toot_json("search", "--resolve", "--type", "accounts", DAVE, user=CAROL)
    check_fields(res, ["accounts", "statuses", "hashtags"], "search")
    accts = [a["acct"] for a in res["accounts"]]
    check(DAVE in accts, f"{DAVE} not in {accts}")
    out = toot("search", "--resolve", DAVE, user=CAROL)
    check(DAVE in out, f"search output: {short(out)}")


@sc.step("follow dave@B; he shows in following", needs=[search])
def follow(st):
    rel = toot_json("follow", DAVE, user=CAROL)
    check_id(rel["id"], "relationship id")
    check(rel["following"] or rel["requested"], f"relationship after follow: {short(rel)}")
    wait_for(f"{DAVE} in carol's following list",
             lambda: DAVE in [a["acct"] for a in toot_json("following", user=CAROL)])


@sc.step("dave mentions carol; carol's notifications show it", needs=[login])
def notifications(st):
    s = toot_json("post", f"@{CAROL} Bonjour Carol {RUN}", user=DAVE)
    check(CAROL in [m["acct"] for m in s["mentions"]], f"mentions: {s['mentions']!r}")

    def mention():
        ns = toot_json("notifications", "--type", "mention", user=CAROL)
        return [n for n in ns if n["type"] == "mention" and n["account"]["acct"] == DAVE]
    found = wait_for("dave's mention in carol's notifications", mention)
    check_raw_status(found[0]["status"], "notification status")
    out = toot("notifications", user=CAROL)
    check(DAVE in out and f"Bonjour Carol {RUN}" in out, f"notifications output: {short(out, 1500)}")
    excluded = toot_json("notifications", "--exclude-type", "mention", user=CAROL)
    check(all(n["type"] != "mention" for n in excluded), "exclude-type mention still lists mentions")


@sc.step("update-account (multipart PATCH) and whois", needs=[login])
def update_account(st):
    me = toot_json("update-account", "--display-name", "Carol Idrissi", "--note", "Formatrice CRMEF",
                   "--privacy", "unlisted", user=CAROL)
    check_eq(me["display_name"], "Carol Idrissi", "display_name")
    check("Formatrice CRMEF" in me["note"], f"note: {me['note']!r}")
    out = toot("whois", "carol", user=CAROL)
    check("Carol Idrissi" in out, f"whois output: {short(out)}")


@sc.step("bookmark, hashtag timeline, delete", needs=[post])
def bookmark_tag_delete(st):
    sid = st["status"]["id"]
    b = toot_json("bookmark", sid, user=CAROL)
    check_eq(b["bookmarked"], True, "bookmarked")
    tagged = toot_json("timelines", "tag", "maths", user=CAROL)
    check(sid in [x["id"] for x in tagged], "#maths status missing from `toot timelines tag maths`")
    tmp = toot_json("post", f"Brouillon {RUN}", user=CAROL)
    gone = toot_json("delete", tmp["id"], user=CAROL)
    check_eq(gone["id"], tmp["id"], "deleted status id")
    check_eq(gone.get("text"), f"Brouillon {RUN}", "source text of the deleted status")


if __name__ == "__main__":
    raise SystemExit(sc.run())
