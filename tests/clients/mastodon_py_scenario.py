#!/usr/bin/env python3
"""Mastodon.py (2.3.3) against two running Halqa nodes: see tests/clients/run.sh.

alice is a user of node A, bob of node B. The steps, in order: instance v1/v2 (with the trailing
slashes Mastodon.py uses); app registration, the password grant and verify_credentials; a v2 media
upload with alt text and focus, polled until processed; a status with it, read back; home timeline
pagination with limit=2 (fetch_next to the end without duplicates or loops, fetch_previous, Link
keeping limit); favourite; reblog with its own id, unreblog; delete returning the source;
content warning, unlisted, Idempotency-Key, edit with history and source; bookmark, local and
hashtag timelines; update_credentials (multipart with bracket fields) and the calls apps make at
startup (preferences, custom emojis, filters v2, lists, announcements, followed tags, markers);
JSON error bodies; search of @bob@B with resolve=true; follow across nodes until accepted; bob's
post arriving in alice's home; a reply that notifies bob with a mention; notification type
filters; the reply in bob's thread; a remote favourite notifying bob; account statuses with
exclude_replies / only_media; an edit reaching bob; a mention from bob arriving as a notification
on alice's WebSocket stream; unfollow; and the user stream over SSE and over WebSocket.
Wire-level checks (ids as strings of digits, dates with milliseconds and Z, required fields) read
the raw JSON recorded by common.Recorder, not Mastodon.py's parsed objects.
"""

import threading
import time

from mastodon import Mastodon, MastodonNotFoundError, StreamListener

from common import (
    DEADLINE, RECORDER, RELATIONSHIP_FIELDS, NOTIFICATION_FIELDS, Scenario, check, check_eq,
    check_fields, check_id, check_raw_account, check_raw_status, env, make_png, short, wait_for,
)

A_URL = env("HALQA_A_URL")            # http://localhost:PORT_A
B_URL = env("HALQA_B_URL")
A_DOMAIN = env("HALQA_A_DOMAIN")      # localhost:PORT_A
B_DOMAIN = env("HALQA_B_DOMAIN")
PASSWORD = env("HALQA_CLIENTS_PASSWORD")
WORKDIR = env("HALQA_CLIENTS_WORKDIR")
ALICE_EMAIL = "alice@example.org"
BOB_EMAIL = "bob@example.org"
SCOPES = ["read", "write", "follow", "push"]
RUN = str(int(time.time()))           # makes texts unique when a node is reused

sc = Scenario("Mastodon.py")


def client(base, **kw):
    return Mastodon(api_base_url=base, version_check_mode="created", session=RECORDER.session(),
                    request_timeout=30, **kw)


def login(base, email):
    client_id, client_secret = Mastodon.create_app(
        "halqa-ci-mastodon-py", api_base_url=base, scopes=SCOPES, website="https://example.org",
        session=RECORDER.session())
    check_id_like(client_id, "client_id")
    m = client(base, client_id=client_id, client_secret=client_secret)
    token = m.log_in(email, PASSWORD, scopes=SCOPES, allow_http=True)
    check(isinstance(token, str) and len(token) >= 16, f"access token looks wrong: {token!r}")
    tok = RECORDER.last_json("POST", r"/oauth/token$")
    check_fields(tok, ["access_token", "token_type", "scope", "created_at"], "token response")
    check(tok["token_type"].lower() == "bearer", f"token_type: {tok['token_type']!r}")
    check(isinstance(tok["created_at"], int), f"token created_at must be a unix integer: {tok['created_at']!r}")
    return m


def check_id_like(value, what):
    check(isinstance(value, str) and value != "", f"{what}: expected a non-empty string, got {value!r}")


def sid(x):
    """Mastodon.py keeps ids as the server sent them; we compare them as strings."""
    return str(x["id"]) if isinstance(x, dict) else str(x)


def find_by_uri(statuses, uri):
    for s in statuses:
        if s.get("uri") == uri:
            return s
    return None


# --- login and instance ---------------------------------------------------------------------

@sc.step("instance v1/v2 (trailing slash, as Mastodon.py asks)")
def instance(st):
    m = client(A_URL)
    inst = m.instance_v1()
    raw = RECORDER.last_json("GET", r"/api/v1/instance/?$")
    check_fields(raw, ["uri", "title", "description", "short_description", "email", "version", "urls",
                       "stats", "thumbnail", "languages", "registrations", "configuration", "rules"],
                 "instance v1")
    check_eq(raw["uri"], A_DOMAIN, "instance v1 uri")
    check(raw["version"].startswith("4."), f"instance version should be 4.x-compatible: {raw['version']!r}")
    v2 = m.instance_v2()
    raw2 = RECORDER.last_json("GET", r"/api/v2/instance/?$")
    check_fields(raw2, ["domain", "title", "version", "configuration", "registrations", "api_versions"],
                 "instance v2")
    check_eq(raw2["domain"], A_DOMAIN, "instance v2 domain")
    check(isinstance(inst, dict) and isinstance(v2, dict), "instance not parsed")
    latest = m.instance()  # what apps get: v2 on a 4.x server
    check_eq(latest.get("domain"), A_DOMAIN, "instance() (latest) domain")
    # Mastodon.py derived the version from the instance: 4.x, so the v2 code paths are used.
    check(m.verify_minimum_version("4.0.0", cached=True), "Mastodon.py did not detect a 4.x version")


@sc.step("alice@A: create app + log_in (password grant) + verify_credentials")
def login_alice(st):
    m = login(A_URL, ALICE_EMAIL)
    me = m.account_verify_credentials()
    raw = RECORDER.last_json("GET", r"/api/v1/accounts/verify_credentials")
    check_raw_account(raw, "alice credential account")
    check_fields(raw, ["source"], "credential account")
    check_eq(raw["username"], "alice", "username")
    check_eq(raw["acct"], "alice", "acct of a local account")
    st["alice"], st["alice_me"] = m, me
    m.app_verify_credentials()


@sc.step("bob@B: create app + log_in (password grant) + verify_credentials")
def login_bob(st):
    m = login(B_URL, BOB_EMAIL)
    me = m.account_verify_credentials()
    check_eq(me["username"], "bob", "username")
    check_id(sid(me), "bob id")
    st["bob"], st["bob_me"] = m, me


# --- media and statuses -----------------------------------------------------------------------

@sc.step("alice: upload a PNG (v2 media) with alt text and focus", needs=[login_alice])
def media_upload(st):
    m = st["alice"]
    path = f"{WORKDIR}/gradient.png"
    with open(path, "wb") as f:
        f.write(make_png(64, 48))
    media = m.media_post(path, mime_type="image/png", description="A gradient from blue to pink",
                         focus=(0.2, -0.3), synchronous=True)
    raw = RECORDER.last_json("POST", r"/api/v2/media$")
    check_fields(raw, ["id", "type", "url", "preview_url", "remote_url", "meta", "description", "blurhash"],
                 "media attachment")
    check_id(raw["id"], "media id")
    check_eq(raw["type"], "image", "media type")
    check_eq(media["description"], "A gradient from blue to pink", "media description")
    check(media["url"], f"media url still null after processing: {media['url']!r}")
    again = m.media(media)  # GET /api/v1/media/:id, what masto.js polls
    check_eq(sid(again), sid(media), "GET /api/v1/media/:id id")
    meta = RECORDER.last_json("GET", r"/api/v1/media/\d+$").get("meta")
    if meta and meta.get("original"):
        check_eq((meta["original"].get("width"), meta["original"].get("height")), (64, 48),
                 "meta.original width/height")
    st["media"] = media


@sc.step("alice: post a status with the image", needs=[media_upload])
def post_with_media(st):
    m = st["alice"]
    text = f"Fiche fractions CM1 {RUN} #maths"
    status = m.status_post(text, media_ids=[st["media"]], visibility="public", language="fr")
    raw = RECORDER.last_json("POST", r"/api/v1/statuses$")
    check_raw_status(raw, "created status")
    check(f"Fiche fractions CM1 {RUN}" in raw["content"], f"content: {raw['content']!r}")
    check_eq([a["id"] for a in raw["media_attachments"]], [sid(st["media"])], "media_attachments ids")
    check_eq(raw["media_attachments"][0]["description"], "A gradient from blue to pink", "alt text")
    check(raw["media_attachments"][0]["url"], "attachment url is null in the status")
    check_eq(raw["visibility"], "public", "visibility")
    check([t["name"].lower() for t in raw["tags"]] == ["maths"], f"tags: {raw['tags']!r}")
    st["media_status"] = status


@sc.step("alice: read the status back", needs=[post_with_media])
def read_back(st):
    m = st["alice"]
    s = m.status(st["media_status"])
    raw = RECORDER.last_json("GET", r"/api/v1/statuses/\d+$")
    check_raw_status(raw, "fetched status")
    check_eq(raw["id"], sid(st["media_status"]), "id")
    check_eq(raw["account"]["username"], "alice", "account")
    check_eq(raw["media_attachments"][0]["description"], "A gradient from blue to pink", "alt text")
    check_eq(s["uri"], st["media_status"]["uri"], "uri")


@sc.step("alice: home timeline pagination (limit=2, fetch_next / fetch_previous)", needs=[login_alice])
def pagination(st):
    m = st["alice"]
    posted = [sid(m.status_post(f"Pagination {RUN} n°{i}", visibility="public")) for i in range(7)]
    first = m.timeline_home(limit=2)
    check_eq(len(first), 2, "first page size")
    link = RECORDER.last("GET", r"/api/v1/timelines/home")["link"]
    check(link and 'rel="next"' in link, f"home timeline has no Link rel=next: {link!r}")
    check("limit=2" in link, f"Link URLs must keep limit (masto.js follows them verbatim): {link!r}")
    seen, pages, page = [], 0, first
    while page:
        pages += 1
        check(pages <= 60, "pagination does not end (more than 60 pages of 2)")
        ids = [sid(s) for s in page]
        check(len(ids) <= 2, f"page {pages} has {len(ids)} items with limit=2")
        dup = set(ids) & set(seen)
        check(not dup, f"page {pages} repeats {dup} (pagination loop)")
        seen += ids
        page = m.fetch_next(page)
    ints = [int(i) for i in seen]
    check(ints == sorted(ints, reverse=True), f"home timeline not newest-first: {seen}")
    positions = [seen.index(p) if p in seen else None for p in posted]
    check(None not in positions, f"posted statuses missing from home: {posted} vs {seen}")
    check(positions == sorted(positions, reverse=True), "own statuses out of order in home")
    # Back from the second page: exactly the first page, not the second page's first item again.
    second = m.fetch_next(first)
    check(second, "no second page")
    back = m.fetch_previous(second)
    check_eq(sorted(sid(s) for s in back or []), sorted(sid(s) for s in first),
             "fetch_previous(second page)")
    newest = m.fetch_previous(first)
    check(not newest, f"fetch_previous(first page) should be empty, got {[sid(s) for s in newest]}")
    st["paged_ids"] = posted


@sc.step("alice: favourite", needs=[post_with_media])
def favourite(st):
    m = st["alice"]
    s = m.status_favourite(st["media_status"])
    check_eq(sid(s), sid(st["media_status"]), "favourite returns the status")
    check_eq(s["favourited"], True, "favourited")
    check(s["favourites_count"] >= 1, f"favourites_count: {s['favourites_count']}")
    favs = m.favourites()
    check(sid(st["media_status"]) in [sid(x) for x in favs], "status not in /api/v1/favourites")


@sc.step("alice: reblog gets its own id", needs=[post_with_media])
def reblog(st):
    m = st["alice"]
    original = sid(st["media_status"])
    r = m.status_reblog(st["media_status"])
    raw = RECORDER.last_json("POST", r"/reblog$")
    check_raw_status(raw, "reblog wrapper")
    check(raw["id"] != original, "the reblog has the same id as the original")
    check(raw["reblog"] is not None, "reblog wrapper has reblog: null")
    check_eq(raw["reblog"]["id"], original, "reblog.reblog.id")
    check_eq(r["reblog"]["reblogged"], True, "reblog.reblog.reblogged")
    s = m.status(original)
    check_eq(s["reblogged"], True, "status.reblogged")
    check(s["reblogs_count"] >= 1, f"reblogs_count: {s['reblogs_count']}")
    un = m.status_unreblog(original)
    check_eq(sid(un), original, "unreblog returns the original")
    check_eq(un["reblogged"], False, "reblogged after unreblog")


@sc.step("alice: delete returns the source text", needs=[login_alice])
def delete(st):
    m = st["alice"]
    s = m.status_post(f"À supprimer {RUN}")
    gone = m.status_delete(s)
    check_eq(gone.get("text"), f"À supprimer {RUN}", "text of the deleted status")
    try:
        m.status(s)
    except MastodonNotFoundError:
        pass
    else:
        raise AssertionError("GET of a deleted status did not answer 404")


@sc.step("alice: content warning, unlisted, Idempotency-Key, edit with history and source", needs=[login_alice])
def cw_edit(st):
    m = st["alice"]
    key = f"halqa-ci-{RUN}"
    s1 = m.status_post(f"Retour de stage {RUN}", spoiler_text="Long", visibility="unlisted",
                       idempotency_key=key)
    s2 = m.status_post(f"Retour de stage {RUN}", spoiler_text="Long", visibility="unlisted",
                       idempotency_key=key)
    check_eq(sid(s2), sid(s1), "same Idempotency-Key gives the same status")
    check_eq(s1["spoiler_text"], "Long", "spoiler_text")
    check_eq(s1["visibility"], "unlisted", "visibility")
    edited = m.status_update(s1, f"Retour de stage {RUN} (corrigé)", spoiler_text="Long")
    check("(corrigé)" in edited["content"], f"edited content: {edited['content']!r}")
    check(edited["edited_at"] is not None, "edited_at is null after an edit")
    history = m.status_history(s1)
    check(len(history) >= 2, f"history has {len(history)} versions")
    source = m.status_source(s1)
    check_eq(source["text"], f"Retour de stage {RUN} (corrigé)", "source text")
    check_eq(source["spoiler_text"], "Long", "source spoiler_text")


@sc.step("alice: bookmark, public/local/hashtag timelines", needs=[post_with_media])
def bookmarks_timelines(st):
    m = st["alice"]
    b = m.status_bookmark(st["media_status"])
    check_eq(b["bookmarked"], True, "bookmarked")
    check(sid(st["media_status"]) in [sid(x) for x in m.bookmarks()], "status not in bookmarks")
    local = [sid(x) for x in m.timeline_local(limit=40)]
    check(sid(st["media_status"]) in local, "public status missing from the local timeline")
    tagged = [sid(x) for x in m.timeline_hashtag("maths", limit=40)]
    check(sid(st["media_status"]) in tagged, "#maths status missing from the hashtag timeline")


@sc.step("alice: update_credentials (multipart, bracket fields) and startup calls", needs=[login_alice])
def profile_and_startup(st):
    m = st["alice"]
    me = m.account_update_credentials(display_name="Alice Benali", note="Professeure de maths",
                                      fields=[("Discipline", "Mathématiques")])
    check_eq(me["display_name"], "Alice Benali", "display_name")
    check("Professeure de maths" in me["note"], f"note: {me['note']!r}")
    check_eq([f["name"] for f in me["fields"]], ["Discipline"], "fields")
    prefs = m.preferences()
    check("posting:default:visibility" in prefs, f"preferences: {short(prefs)}")
    for call in (m.custom_emojis, m.filters_v2, m.lists, m.announcements, m.followed_tags):
        got = call()
        check(isinstance(got, list), f"{call.__name__} should give a list, got {short(got)}")
    markers = m.markers_set(["home"], [sid(m.timeline_home(limit=1)[0])])
    check("home" in markers, f"markers_set: {short(markers)}")
    got = m.markers_get(["home", "notifications"])
    check("home" in got, f"markers_get: {short(got)}")


@sc.step("errors are JSON with an error field (404, 401, unknown route)", needs=[login_alice])
def json_errors(st):
    import requests
    cases = [
        ("GET", f"{A_URL}/api/v1/statuses/1", {"Authorization": f"Bearer {st['alice'].access_token}"}, 404),
        ("GET", f"{A_URL}/api/v1/no_such_endpoint", {}, 404),
        ("POST", f"{A_URL}/api/v1/statuses", {}, 401),
        ("GET", f"{A_URL}/api/v1/accounts/verify_credentials", {"Authorization": "Bearer nope"}, 401),
    ]
    for method, url, headers, code in cases:
        r = requests.request(method, url, headers=headers, data={"status": "x"} if method == "POST" else None,
                             timeout=10)
        check_eq(r.status_code, code, f"{method} {url}")
        check("application/json" in r.headers.get("content-type", ""),
              f"{method} {url} -> {r.status_code} with content-type {r.headers.get('content-type')!r}")
        check("error" in r.json(), f"{method} {url} body: {r.text[:200]!r}")


# --- across nodes ----------------------------------------------------------------------------

@sc.step("alice@A: search @bob@B with resolve=true", needs=[login_alice])
def search_resolve(st):
    m = st["alice"]
    res = m.search_v2(f"@bob@{B_DOMAIN}", resolve=True, result_type="accounts")
    raw = RECORDER.last_json("GET", r"/api/v2/search")
    check_fields(raw, ["accounts", "statuses", "hashtags"], "search result")
    accts = [a["acct"] for a in raw["accounts"]]
    check(f"bob@{B_DOMAIN}" in accts, f"bob@{B_DOMAIN} not found; accounts: {accts}")
    bob = next(a for a in res["accounts"] if a["acct"] == f"bob@{B_DOMAIN}")
    check_raw_account(next(a for a in raw["accounts"] if a["acct"] == f"bob@{B_DOMAIN}"), "remote account")
    st["bob_on_a"] = bob
    looked = m.account_lookup(f"bob@{B_DOMAIN}")
    check_eq(sid(looked), sid(bob), "accounts/lookup id")


@sc.step("alice follows bob@B; relationship becomes following", needs=[search_resolve])
def follow_remote(st):
    m = st["alice"]
    rel = m.account_follow(st["bob_on_a"])
    raw = RECORDER.last_json("POST", r"/follow$")
    check_fields(raw, RELATIONSHIP_FIELDS, "relationship")
    check(raw["following"] or raw["requested"], f"after follow: following={raw['following']} requested={raw['requested']}")
    check_eq(sid(rel), sid(st["bob_on_a"]), "relationship id")

    def following():
        rels = m.account_relationships(st["bob_on_a"])
        return rels and rels[0]["following"]
    wait_for("the relationship to show following (bob's server accepting)", following)


@sc.step("bob posts; alice sees it in home", needs=[follow_remote, login_bob])
def bob_post_arrives(st):
    b = st["bob"]
    post = b.status_post(f"Bonjour depuis B {RUN} #halqa", visibility="public")
    st["bob_post"] = post
    m = st["alice"]
    found = wait_for("bob's post in alice's home timeline",
                     lambda: find_by_uri(m.timeline_home(limit=40), post["uri"]))
    raw = next(s for s in RECORDER.last_json("GET", r"/api/v1/timelines/home") if s["uri"] == post["uri"])
    check_raw_status(raw, "remote status in home")
    check_eq(raw["account"]["acct"], f"bob@{B_DOMAIN}", "remote status account.acct")
    check(f"Bonjour depuis B {RUN}" in raw["content"], f"content: {raw['content']!r}")
    st["bob_post_on_a"] = found


@sc.step("alice replies; bob gets a mention notification", needs=[bob_post_arrives])
def reply_notifies(st):
    m, b = st["alice"], st["bob"]
    reply = m.status_post(f"@bob@{B_DOMAIN} Merci ! {RUN}", in_reply_to_id=st["bob_post_on_a"])
    check_eq(str(reply["in_reply_to_id"]), sid(st["bob_post_on_a"]), "in_reply_to_id")
    check_eq(str(reply["in_reply_to_account_id"]), sid(st["bob_on_a"]), "in_reply_to_account_id")
    check(f"bob@{B_DOMAIN}" in [x["acct"] for x in reply["mentions"]], f"mentions: {reply['mentions']!r}")
    st["reply"] = reply

    def mention():
        for n in b.notifications(types=["mention"]):
            if n["status"] and str(n["status"]["in_reply_to_id"]) == sid(st["bob_post"]):
                return n
        return None
    n = wait_for("bob's mention notification", mention)
    raw = RECORDER.last_json("GET", r"/api/v1/notifications")
    rn = next(x for x in raw if x["id"] == sid(n))
    check_fields(rn, NOTIFICATION_FIELDS + ["status"], "notification")
    check_id(rn["id"], "notification id")
    check_eq(rn["type"], "mention", "notification type")
    check_eq(rn["account"]["acct"], f"alice@{A_DOMAIN}", "notification account.acct")
    check_raw_status(rn["status"], "notification status")
    st["mention_notification"] = n


@sc.step("bob: notifications types / exclude_types filters", needs=[reply_notifies])
def notification_filters(st):
    b = st["bob"]
    follows = b.notifications(types=["follow"])
    check(all(n["type"] == "follow" for n in follows), f"types=[follow] gave {[n['type'] for n in follows]}")
    check(any(n["account"]["acct"] == f"alice@{A_DOMAIN}" for n in follows),
          "no follow notification from alice")
    no_mentions = b.notifications(exclude_types=["mention"])
    check(all(n["type"] != "mention" for n in no_mentions), "exclude_types=[mention] still has mentions")
    one = b.notifications(id=st["mention_notification"])
    check_eq(sid(one), sid(st["mention_notification"]), "GET /api/v1/notifications/:id")
    everything = b.notifications(limit=80)
    check({"mention", "follow"} <= {n["type"] for n in everything},
          f"all notifications: {[n['type'] for n in everything]}")


@sc.step("bob: the reply shows in the thread on B", needs=[reply_notifies])
def thread_on_b(st):
    b = st["bob"]
    ctx = wait_for("the reply in bob's status context",
                   lambda: (lambda c: c if find_by_uri(c["descendants"], st["reply"]["uri"]) else None)(
                       b.status_context(st["bob_post"])))
    check_eq(ctx["ancestors"], [], "ancestors of a top-level status")


@sc.step("alice favourites bob's post; bob gets a favourite notification", needs=[bob_post_arrives])
def remote_favourite(st):
    m, b = st["alice"], st["bob"]
    m.status_favourite(st["bob_post_on_a"])

    def fav():
        return [n for n in b.notifications(types=["favourite"])
                if n["account"]["acct"] == f"alice@{A_DOMAIN}" and n["status"]
                and sid(n["status"]) == sid(st["bob_post"])]
    wait_for("bob's favourite notification", fav)


@sc.step("bob: grouped notifications (v2): groups, one group, its accounts, unread count",
         needs=[remote_favourite, notification_filters])
def grouped_notifications(st):
    b = st["bob"]
    page = b.grouped_notifications(limit=40)
    groups = page["notification_groups"]
    check(groups, "no notification groups")
    check_eq(page.get("partial_accounts"), [], "partial_accounts (every account is in full)")
    account_ids = {sid(a) for a in page["accounts"]}
    status_ids = {sid(s) for s in page["statuses"]}
    for g in groups:
        check(g["notifications_count"] >= 1, f"group without notifications: {g}")
        check(g["sample_account_ids"], f"group without sample accounts: {g}")
        check({str(i) for i in g["sample_account_ids"]} <= account_ids,
              f"sample accounts missing from accounts: {g}")
        if g.get("status_id") is not None:
            check(str(g["status_id"]) in status_ids, f"status missing from statuses: {g}")
    types = {g["type"] for g in groups}
    check({"mention", "follow", "favourite"} <= types, f"grouped types: {types}")
    fav = next(g for g in groups if g["type"] == "favourite")
    check_eq(str(fav["status_id"]), sid(st["bob_post"]), "the favourite group's status")
    check(not fav["group_key"].startswith("ungrouped-"), f"favourite group key: {fav['group_key']}")
    one = b.grouped_notification(fav["group_key"])
    check_eq(one["notification_groups"][0]["group_key"], fav["group_key"], "GET /api/v2/notifications/:key")
    who = b.grouped_notification_accounts(fav["group_key"])
    check(any(a["acct"] == f"alice@{A_DOMAIN}" for a in who), f"group accounts: {[a['acct'] for a in who]}")
    count = b.unread_grouped_notifications_count()
    check(isinstance(count, int) and count >= len(groups), f"unread groups: {count} for {len(groups)} groups")
    only_follows = b.grouped_notifications(types=["follow"])["notification_groups"]
    check(only_follows and all(g["type"] == "follow" for g in only_follows),
          f"types=[follow]: {[g['type'] for g in only_follows]}")


@sc.step("account_statuses with exclude_replies / only_media", needs=[post_with_media, reply_notifies])
def account_statuses(st):
    m = st["alice"]
    me = st["alice_me"]
    everything = m.account_statuses(me, limit=40)
    ids = [sid(s) for s in everything]
    for s in (st["media_status"], st["reply"]):
        check(sid(s) in ids, f"{sid(s)} missing from alice's statuses")
    no_replies = [sid(s) for s in m.account_statuses(me, exclude_replies=True, limit=40)]
    check(sid(st["reply"]) not in no_replies, "exclude_replies still returns the reply")
    check(sid(st["media_status"]) in no_replies, "exclude_replies dropped a top-level status")
    media_only = m.account_statuses(me, only_media=True, limit=40)
    check(media_only and all(s["media_attachments"] for s in media_only),
          f"only_media: {[sid(s) for s in media_only]}")
    check(sid(st["media_status"]) in [sid(s) for s in media_only], "only_media lost the media status")
    remote = m.account_statuses(st["bob_on_a"], limit=40)
    check(find_by_uri(remote, st["bob_post"]["uri"]), "bob's post missing from his statuses seen on A")


@sc.step("alice edits her reply; bob sees the edit", needs=[reply_notifies])
def edit_federates(st):
    m, b = st["alice"], st["bob"]
    m.status_update(st["reply"], f"@bob@{B_DOMAIN} Merci beaucoup ! {RUN}")
    on_b = st["mention_notification"]["status"]
    wait_for("the edit on bob's side",
             lambda: "Merci beaucoup" in b.status(on_b)["content"])


@sc.step("bob mentions alice; her WebSocket user stream gets the notification", needs=[bob_post_arrives])
def stream_notification(st):
    m, b = st["alice"], st["bob"]
    got = threading.Event()
    seen = []

    class L(StreamListener):
        def on_notification(self, n):
            seen.append(n)
            if n["type"] == "mention" and f"ping-{RUN}" in (n["status"] or {}).get("content", ""):
                got.set()

        def on_update(self, s):
            pass

    handle = m.stream_open_websocket(L())
    try:
        m.stream_user(L(), websocket_handle=handle)
        wait_for("the WebSocket stream to connect", handle.is_receiving, timeout=10)
        b.status_post(f"@alice@{A_DOMAIN} ping-{RUN}")
        check(got.wait(DEADLINE), f"no mention notification on the stream within {DEADLINE:.0f}s "
                                  f"(got {[n['type'] for n in seen]})")
    finally:
        handle.close()


@sc.step("alice unfollows bob@B", needs=[follow_remote])
def unfollow_remote(st):
    m = st["alice"]
    rel = m.account_unfollow(st["bob_on_a"])
    check_eq(rel["following"], False, "following after unfollow")
    b = st["bob"]
    wait_for("alice to leave bob's followers on B",
             lambda: f"alice@{A_DOMAIN}" not in [a["acct"] for a in b.account_followers(st["bob_me"])])


# --- streaming -------------------------------------------------------------------------------

class Catcher(StreamListener):
    def __init__(self, marker):
        self.marker = marker
        self.event = threading.Event()
        self.errors = []
        self.updates = []

    def on_update(self, status):
        self.updates.append(status)
        if self.marker in (status.get("content") or ""):
            self.event.set()

    def on_abort(self, err):
        self.errors.append(err)

    def on_unknown_event(self, name, unknown_event=None):
        pass


def post_until_streamed(m, catcher, label):
    """Posts a marked status and waits for the stream to carry it. A second post goes out if the
    first one came before the server finished subscribing (the subscription races the post)."""
    deadline = time.monotonic() + DEADLINE
    n = 0
    while time.monotonic() < deadline:
        n += 1
        m.status_post(f"{catcher.marker} {label} n°{n}", visibility="public")
        if catcher.event.wait(min(5.0, max(deadline - time.monotonic(), 0.1))):
            return n
    raise AssertionError(f"no update event on the {label} within {DEADLINE:.0f}s "
                         f"({len(catcher.updates)} other updates; errors: {short(catcher.errors)})")


@sc.step("streaming: stream_user over SSE delivers update", needs=[login_alice])
def stream_sse(st):
    m = st["alice"]
    # One plain request first, so a failure says what the server answered.
    import requests
    r = requests.get(f"{A_URL}/api/v1/streaming/user", headers={"Authorization": f"Bearer {m.access_token}"},
                     stream=True, timeout=10)
    try:
        check_eq(r.status_code, 200, "GET /api/v1/streaming/user status")
        check("text/event-stream" in r.headers.get("content-type", ""),
              f"streaming content-type: {r.headers.get('content-type')!r}")
    finally:
        r.close()
    catcher = Catcher(f"sse-{RUN}")
    handle = m.stream_user(catcher, run_async=True, reconnect_async=False)
    try:
        wait_for("the SSE stream to connect", handle.is_receiving, timeout=10)
        n = post_until_streamed(m, catcher, "SSE user stream")
        if n > 1:
            print(f"  note: SSE needed {n} posts (first post raced the subscription)")
    finally:
        # SSEStreamHandle.close() blocks until the reader thread gets its next bytes (the next
        # heartbeat, up to 15 s): close in the background rather than wait for it.
        threading.Thread(target=handle.close, daemon=True).start()


@sc.step("streaming: WebSocket /api/v1/streaming subscribe user delivers update", needs=[login_alice])
def stream_ws(st):
    m = st["alice"]
    catcher = Catcher(f"ws-{RUN}")
    handle = m.stream_open_websocket(catcher)
    try:
        m.stream_user(catcher, websocket_handle=handle)
        wait_for("the WebSocket stream to connect", handle.is_receiving, timeout=10)
        n = post_until_streamed(m, catcher, "WebSocket user stream")
        if n > 1:
            print(f"  note: WebSocket needed {n} posts (first post raced the subscription)")
    finally:
        handle.close()


if __name__ == "__main__":
    raise SystemExit(sc.run())
