//! Tests of sanitising, plain-text conversion, mention/hashtag parsing, status rendering and
//! the JSON depth scan.
use super::*;

fn resolve_all(m: &MentionRef) -> Option<ResolvedMention> {
    let display = match &m.domain {
        Some(d) => format!("@{}@{}", m.username, d),
        None => format!("@{}", m.username),
    };
    let host = m.domain.as_deref().unwrap_or("halqa.example");
    Some(ResolvedMention {
        url: format!("https://{host}/@{}", m.username),
        display,
    })
}

fn resolve_none(_: &MentionRef) -> Option<ResolvedMention> {
    None
}

fn tag_url(name: &str) -> String {
    format!("https://halqa.example/tags/{name}")
}

fn render(text: &str) -> String {
    render_local_status(text, &resolve_all, &tag_url)
}

fn mention(user: &str, domain: Option<&str>) -> MentionRef {
    MentionRef {
        username: user.to_owned(),
        domain: domain.map(str::to_owned),
    }
}

// ---- sanitize_remote_html ----

#[test]
fn sanitize_drops_script_and_style_with_content() {
    let out = sanitize_remote_html(
        "<p>hi<script>alert('x')</script><style>p{color:red}</style> there</p>",
    );
    assert_eq!(out, "<p>hi there</p>");
}

#[test]
fn sanitize_drops_iframe_object_svg() {
    let out = sanitize_remote_html(
        "<p>a</p><iframe src=\"https://evil.example\">fallback</iframe>\
         <object data=\"x\">obj</object><svg><script>alert(1)</script><text>t</text></svg><p>b</p>",
    );
    assert_eq!(out, "<p>a</p><p>b</p>");
}

#[test]
fn sanitize_strips_event_handlers_and_style_attributes() {
    let out = sanitize_remote_html(
        "<p onclick=\"steal()\" style=\"color:red\" id=\"x\"><span onmouseover=\"x()\">t</span></p>",
    );
    assert_eq!(out, "<p><span>t</span></p>");
    assert!(!out.contains("onclick"));
}

#[test]
fn sanitize_removes_javascript_and_relative_hrefs() {
    let out = sanitize_remote_html("<a href=\"javascript:alert(1)\">x</a>");
    assert!(!out.contains("javascript"), "{out}");
    assert!(!out.contains("href"), "{out}");
    let out = sanitize_remote_html("<a href=\"JaVaScRiPt:alert(1)\">x</a>");
    assert!(!out.to_lowercase().contains("javascript"), "{out}");
    let out = sanitize_remote_html("<a href=\"data:text/html,<script>\">x</a>");
    assert!(!out.contains("data:"), "{out}");
    let out = sanitize_remote_html("<a href=\"/relative\">x</a>");
    assert!(!out.contains("href"), "{out}");
}

#[test]
fn sanitize_keeps_allowed_schemes() {
    for url in [
        "https://example.com/",
        "http://example.com/",
        "gemini://example.com/",
        "magnet:?xt=urn:btih:abc",
        "xmpp:user@example.com",
    ] {
        let out = sanitize_remote_html(&format!("<a href=\"{url}\">x</a>"));
        assert!(out.contains(&format!("href=\"{url}\"")), "{url}: {out}");
    }
}

#[test]
fn sanitize_adds_rel_and_target_to_links() {
    let out = sanitize_remote_html("<a href=\"https://example.com/\" rel=\"me\">x</a>");
    assert!(
        out.contains("rel=\"nofollow noopener noreferrer\""),
        "{out}"
    );
    assert!(out.contains("target=\"_blank\""), "{out}");
    assert!(!out.contains("rel=\"me\""), "{out}");
}

#[test]
fn sanitize_keeps_mention_and_hashtag_classes() {
    let html = "<p><span class=\"h-card\" translate=\"no\"><a href=\"https://m.example/@bob\" \
                class=\"u-url mention\">@<span>bob</span></a></span> \
                <a href=\"https://m.example/tags/x\" class=\"mention hashtag\" rel=\"tag\">#<span>x</span></a></p>";
    let out = sanitize_remote_html(html);
    assert!(out.contains("class=\"h-card\""), "{out}");
    assert!(out.contains("translate=\"no\""), "{out}");
    assert!(out.contains("class=\"u-url mention\""), "{out}");
    assert!(out.contains("class=\"mention hashtag\""), "{out}");
}

#[test]
fn sanitize_filters_classes() {
    let out = sanitize_remote_html(
        "<a href=\"https://x.example/\" class=\"evil mention p-name\">a</a>\
         <span class=\"big-red\">b</span><p class=\"h-entry\">c</p>\
         <span class=\"invisible\">d</span><span class=\"ellipsis quote-inline\">e</span>",
    );
    assert!(out.contains("class=\"mention p-name\""), "{out}");
    assert!(!out.contains("evil"), "{out}");
    assert!(!out.contains("big-red"), "{out}");
    assert!(out.contains("<span>b</span>"), "{out}");
    assert!(out.contains("<p>c</p>"), "class not allowed on p: {out}");
    assert!(out.contains("<span class=\"invisible\">d</span>"), "{out}");
    assert!(
        out.contains("<span class=\"ellipsis quote-inline\">e</span>"),
        "{out}"
    );
}

#[test]
fn sanitize_unwraps_images_and_unknown_elements() {
    let out = sanitize_remote_html(
        "<div><p>x<img src=\"https://e.example/a.png\" alt=\"pic\" onerror=\"x()\">y</p></div>",
    );
    assert_eq!(out, "<p>xy</p>");
}

#[test]
fn sanitize_keeps_lists_and_formatting() {
    let html = "<ol start=\"3\" reversed><li value=\"5\">a</li></ol><ul><li><em>b</em> \
                <strong>c</strong> <del>d</del> <code>e</code></li></ul><blockquote><pre>f</pre></blockquote>";
    let out = sanitize_remote_html(html);
    assert!(out.contains("<ol start=\"3\" reversed=\"\">"), "{out}");
    assert!(out.contains("<li value=\"5\">"), "{out}");
    assert!(out.contains("<em>b</em>"), "{out}");
    assert!(out.contains("<strong>c</strong>"), "{out}");
    assert!(out.contains("<del>d</del>"), "{out}");
    assert!(out.contains("<code>e</code>"), "{out}");
    assert!(
        out.contains("<blockquote><pre>f</pre></blockquote>"),
        "{out}"
    );
    let out = sanitize_remote_html("<ol start=\"x\"><li>a</li></ol>");
    assert_eq!(out, "<ol><li>a</li></ol>");
}

#[test]
fn sanitize_downgrades_headings() {
    let out = sanitize_remote_html("<h1 class=\"x\">Title</h1><p>body</p>");
    assert_eq!(out, "<p><strong>Title</strong></p><p>body</p>");
    // `<h2>` inside an attribute value is not a tag and is left alone.
    let out = sanitize_remote_html("<a href=\"https://e.example/<h2>\">x</a>");
    assert!(!out.contains("<strong>"), "{out}");
}

#[test]
fn sanitize_escapes_text() {
    assert_eq!(
        sanitize_remote_html("a &lt;b&gt; & c"),
        "a &lt;b&gt; &amp; c"
    );
    assert_eq!(sanitize_remote_html(""), "");
}

#[test]
fn sanitize_is_idempotent() {
    let html = "<p>Hi <a href=\"https://x.example/\" class=\"mention\">x</a><br>there</p>";
    let once = sanitize_remote_html(html);
    assert_eq!(sanitize_remote_html(&once), once);
}

// ---- html_to_plain_text ----

#[test]
fn plain_text_paragraphs_breaks_and_entities() {
    let html = "<p>Hello &amp; welcome<br>second&nbsp;line</p>\n<p>&lt;b&gt; &quot;q&quot; \
                it&#39;s &#x41;&#66; &apos;</p>";
    assert_eq!(
        html_to_plain_text(html),
        "Hello & welcome\nsecond\u{a0}line\n\n<b> \"q\" it's AB '"
    );
}

#[test]
fn plain_text_strips_tags_and_scripts() {
    let html = "<p><span class=\"h-card\"><a href=\"https://m.example/@bob\">@<span>bob</span></a></span> \
                see <a href=\"https://example.com/a\"><span class=\"invisible\">https://</span>\
                <span>example.com/a</span></a><script>alert(1)</script><style>x{}</style></p>";
    assert_eq!(html_to_plain_text(html), "@bob see https://example.com/a");
}

#[test]
fn plain_text_handles_odd_input() {
    assert_eq!(html_to_plain_text(""), "");
    assert_eq!(html_to_plain_text("a < b && c > d"), "a < b && c > d");
    assert_eq!(html_to_plain_text("x<!-- hidden -->y"), "xy");
    assert_eq!(html_to_plain_text("&unknown; &#0;"), "&unknown; \u{FFFD}");
    assert_eq!(html_to_plain_text("<ul><li>a</li><li>b</li></ul>"), "a\nb");
    assert_eq!(html_to_plain_text("<pre>a\n  b</pre>"), "a\n  b");
    assert_eq!(html_to_plain_text("<p>  a \n  b  </p>"), "a b");
    assert_eq!(html_to_plain_text("<a title=\"x>y\">t</a>"), "t");
}

// ---- escape_html ----

#[test]
fn escape_html_escapes_all_specials() {
    assert_eq!(
        escape_html(r#"<a href="x">'&'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(escape_html("تعليم"), "تعليم");
}

// ---- parse_mentions_and_tags ----

#[test]
fn parses_local_and_remote_mentions() {
    let parsed = parse_mentions_and_tags("hi @alice and @bob@mastodon.social, @carol.d@x.example.");
    assert_eq!(
        parsed.mentions,
        vec![
            mention("alice", None),
            mention("bob", Some("mastodon.social")),
            mention("carol.d", Some("x.example")),
        ]
    );
}

#[test]
fn parses_mention_with_port() {
    let parsed = parse_mentions_and_tags("@bob@localhost:8080 hello");
    assert_eq!(
        parsed.mentions,
        vec![mention("bob", Some("localhost:8080"))]
    );
}

#[test]
fn email_is_not_a_mention() {
    let parsed = parse_mentions_and_tags("mail me at a@b.c or teacher@school.example");
    assert!(parsed.mentions.is_empty(), "{:?}", parsed.mentions);
}

#[test]
fn mention_inside_url_is_ignored() {
    let parsed = parse_mentions_and_tags("see https://mastodon.social/@bob and x=@y");
    assert!(parsed.mentions.is_empty(), "{:?}", parsed.mentions);
}

#[test]
fn mention_trailing_punctuation_excluded() {
    let parsed = parse_mentions_and_tags("thanks @bob. (@carol) @dave:");
    assert_eq!(
        parsed.mentions,
        vec![
            mention("bob", None),
            mention("carol", None),
            mention("dave", None)
        ]
    );
}

#[test]
fn parses_unicode_hashtags() {
    let parsed = parse_mentions_and_tags("#تعليم و #éducation et #Math_101 #STEM");
    assert_eq!(
        parsed.hashtags,
        vec!["تعليم", "éducation", "math_101", "stem"]
    );
}

#[test]
fn numeric_hashtags_and_in_word_hashes_ignored() {
    let parsed = parse_mentions_and_tags("#123 issue#5 C#sharp x&#39;s #_ (#ok)");
    assert_eq!(parsed.hashtags, vec!["ok"]);
}

#[test]
fn url_fragment_is_not_a_hashtag() {
    let parsed = parse_mentions_and_tags(
        "read https://example.com/page#section and https://example.com/#top #real",
    );
    assert_eq!(parsed.hashtags, vec!["real"]);
}

#[test]
fn dedupes_preserving_first_seen_order() {
    let parsed = parse_mentions_and_tags(
        "#Zeta #alpha #ZETA @Bob @bob @bob@Host.example @BOB@host.example @amy",
    );
    assert_eq!(parsed.hashtags, vec!["zeta", "alpha"]);
    assert_eq!(
        parsed.mentions,
        vec![
            mention("Bob", None),
            mention("bob", Some("Host.example")),
            mention("amy", None),
        ]
    );
}

// ---- render_local_status ----

#[test]
fn render_escapes_html() {
    let out = render("<script>alert('x')</script> & \"q\"");
    assert_eq!(
        out,
        "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>"
    );
}

#[test]
fn render_paragraphs_and_line_breaks() {
    let out = render("line one\nline two\n\n\n  \npara two\r\n\r\npara three\n");
    assert_eq!(
        out,
        "<p>line one<br>line two</p><p>para two</p><p>para three</p>"
    );
    assert_eq!(render(""), "");
    assert_eq!(render(" \n\n "), "");
}

#[test]
fn render_mentions() {
    let out = render("hi @bob and @carol@remote.example");
    assert_eq!(
        out,
        "<p>hi <span class=\"h-card\"><a href=\"https://halqa.example/@bob\" \
         class=\"u-url mention\">@<span>bob</span></a></span> and \
         <span class=\"h-card\"><a href=\"https://remote.example/@carol\" \
         class=\"u-url mention\">@<span>carol@remote.example</span></a></span></p>"
    );
}

#[test]
fn render_unresolved_mention_is_plain_text() {
    let out = render_local_status("hi @ghost@nowhere.example <3", &resolve_none, &tag_url);
    assert_eq!(out, "<p>hi @ghost@nowhere.example &lt;3</p>");
}

#[test]
fn render_hashtags() {
    let out = render("#Éducation #تعليم");
    assert_eq!(
        out,
        "<p><a href=\"https://halqa.example/tags/éducation\" class=\"mention hashtag\" \
         rel=\"tag\">#<span>Éducation</span></a> <a href=\"https://halqa.example/tags/تعليم\" \
         class=\"mention hashtag\" rel=\"tag\">#<span>تعليم</span></a></p>"
    );
}

#[test]
fn render_links() {
    let out = render("see https://example.com/a?b=1&c=2.");
    assert_eq!(
        out,
        "<p>see <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow noopener noreferrer\" \
         target=\"_blank\"><span class=\"invisible\">https://</span><span>example.com/a?b=1&amp;c=2</span></a>.</p>"
    );
    let out = render("(https://www.example.com/a/very/long/path/that/goes/on/and/on)");
    assert!(
        out.starts_with(
            "<p>(<a href=\"https://www.example.com/a/very/long/path/that/goes/on/and/on\""
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "<span class=\"invisible\">https://www.</span><span class=\"ellipsis\">\
             example.com/a/very/long/path/t</span><span class=\"invisible\">hat/goes/on/and/on</span></a>)</p>"
        ),
        "{out}"
    );
    // Not a URL: no link.
    assert_eq!(render("javascript:alert(1)"), "<p>javascript:alert(1)</p>");
}

#[test]
fn render_output_survives_sanitizer() {
    let text = "Hello @bob and @carol@remote.example!\n#Maths <b>bold</b> \
                https://example.com/some/really/long/path/here?x=1#frag\n\nbye #تعليم";
    let rendered = render(text);
    let sanitized = sanitize_remote_html(&rendered);
    assert_eq!(
        html_to_plain_text(&sanitized),
        html_to_plain_text(&rendered)
    );
    for needle in [
        "<span class=\"h-card\">",
        "class=\"u-url mention\"",
        "href=\"https://halqa.example/@bob\"",
        "href=\"https://remote.example/@carol\"",
        "class=\"mention hashtag\"",
        "href=\"https://halqa.example/tags/maths\"",
        "href=\"https://example.com/some/really/long/path/here?x=1#frag\"",
        "<span class=\"ellipsis\">",
        "<span class=\"invisible\">https://</span>",
        "&lt;b&gt;bold&lt;/b&gt;",
        "<br>",
        "</p><p>",
    ] {
        assert!(
            rendered.contains(needle),
            "rendered lacks {needle}: {rendered}"
        );
        assert!(
            sanitized.contains(needle),
            "sanitized lacks {needle}: {sanitized}"
        );
    }
    // Only the rel/target attributes the sanitizer normalises may differ.
    let strip = |s: &str| {
        s.replace(" rel=\"tag\"", "")
            .replace(" rel=\"nofollow noopener noreferrer\"", "")
            .replace(" target=\"_blank\"", "")
    };
    assert_eq!(strip(&sanitized), strip(&rendered));
}

#[test]
fn render_and_parse_agree() {
    let text = "@bob #a https://x.example/#b a@b.c #a";
    let parsed = parse_mentions_and_tags(text);
    let out = render(text);
    assert_eq!(parsed.mentions, vec![mention("bob", None)]);
    assert_eq!(parsed.hashtags, vec!["a"]);
    assert_eq!(out.matches("class=\"mention hashtag\"").count(), 2);
    assert_eq!(out.matches("class=\"u-url mention\"").count(), 1);
}

// ---- json_depth_exceeds ----

#[test]
fn json_depth_nested_arrays_and_objects() {
    assert!(!json_depth_exceeds(b"[[[]]]", 3));
    assert!(json_depth_exceeds(b"[[[[]]]]", 3));
    assert!(!json_depth_exceeds(br#"{"a":{"b":[1,2,{"c":3}]}}"#, 4));
    assert!(json_depth_exceeds(br#"{"a":{"b":[1,2,{"c":{}}]}}"#, 4));
    assert!(!json_depth_exceeds(b"[][][][][]", 1));
    assert!(!json_depth_exceeds(b"", 0));
    assert!(json_depth_exceeds(b"{}", 0));
    let hostile = "[".repeat(100_000);
    assert!(json_depth_exceeds(hostile.as_bytes(), 64));
}

#[test]
fn json_depth_ignores_brackets_in_strings() {
    assert!(!json_depth_exceeds(br#"{"a":"[[[[{{{{"}"#, 1));
    assert!(!json_depth_exceeds(br#"["]]]]", "[[[["]"#, 1));
}

#[test]
fn json_depth_handles_escaped_quotes() {
    // The \" does not end the string, so the brackets after it are still inside it.
    assert!(!json_depth_exceeds(br#"{"a":"x\"[[[[","b":1}"#, 1));
    // An escaped backslash right before the quote does end the string.
    assert!(json_depth_exceeds(br#"{"a":"x\\","b":[[1]]}"#, 2));
    assert!(!json_depth_exceeds(br#"{"a":"x\\","b":[[1]]}"#, 3));
}
