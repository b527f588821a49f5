//! The web inbox's pages, rendered with minijinja (HTML auto-escaping on: every header, subject
//! and body is the sender's text), and the helpers that prepare a message for them.

use microblog_testkit::smtp_sink::ReceivedMessage;
use minijinja::value::Serde;
use minijinja::{Environment, Value, context};
use serde::Serialize;
use std::sync::LazyLock;
use time::OffsetDateTime;
use time::macros::format_description;

const LAYOUT: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{% block title %}{% endblock %} · Microblog dev mailbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/inbox.css">
<script src="/inbox.js" defer></script>
</head>
<body>
<header><a href="/">Microblog dev mailbox</a> <span class="hint">SMTP on 127.0.0.1:{{ smtp_port }}</span></header>
<main>{% block main %}{% endblock %}</main>
</body>
</html>"#;

const LIST: &str = r#"{% extends "layout.html" %}
{% block title %}Inbox{% endblock %}
{% block main %}
<h1>Inbox</h1>
<form method="post" action="/delete-all"><button type="submit">Delete all</button></form>
<div id="messages" data-version="{{ version }}">
{% if messages %}
<table>
<thead><tr><th scope="col">Received</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
{% for m in messages %}
<tr><td>{{ m.received }}</td><td>{{ m.from }}</td><td>{{ m.to }}</td><td><a href="/messages/{{ m.id }}">{{ m.subject }}</a></td></tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p>No mail yet. Point the application at the SMTP port: <code>MAIL_SERVER=localhost MAIL_PORT={{ smtp_port }}</code>.</p>
{% endif %}
</div>
{% endblock %}"#;

const MESSAGE: &str = r#"{% extends "layout.html" %}
{% block title %}{{ m.subject }}{% endblock %}
{% block main %}
<h1>{{ m.subject }}</h1>
<p>From {{ m.from }} to {{ m.to }}, received {{ m.received }}{% if m.tls %}, over TLS{% endif %}{% if m.user %}, sent by {{ m.user }}{% endif %}. <a href="/messages/{{ m.id }}/raw">Raw source</a></p>
<h2>HTML</h2>
{% if m.has_html %}
<iframe title="HTML part" src="/messages/{{ m.id }}/html" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerpolicy="no-referrer"></iframe>
{% else %}<p>(no HTML part)</p>{% endif %}
<h2>Text</h2>
{% if m.text is not none %}
<pre class="text">{% for piece in m.text %}{% if piece.link %}<a href="{{ piece.link }}">{{ piece.link }}</a>{% else %}{{ piece.text }}{% endif %}{% endfor %}</pre>
{% else %}<p>(no text part)</p>{% endif %}
<h2>Headers</h2>
<table class="headers">
{% for h in m.headers %}<tr><th scope="row">{{ h[0] }}</th><td>{{ h[1] }}</td></tr>
{% endfor %}
</table>
{% endblock %}"#;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        ("layout.html", LAYOUT),
        ("list.html", LIST),
        ("message.html", MESSAGE),
    ] {
        env.add_template(name, source)
            .expect("the inbox templates parse");
    }
    env
});

/// A message as a row of the list.
#[derive(Serialize)]
struct Row {
    id: u64,
    received: String,
    from: String,
    to: String,
    subject: String,
}

impl Row {
    fn of(m: &ReceivedMessage) -> Self {
        Self {
            id: m.id,
            received: received(m),
            from: m.from.clone().unwrap_or_else(|| m.envelope_from.clone()),
            to: m.recipients.join(", "),
            subject: subject(m),
        }
    }
}

/// A piece of a text part: plain text, or a link to make clickable.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Piece {
    text: String,
    link: Option<String>,
}

/// The list page.
pub fn list(messages: &[std::sync::Arc<ReceivedMessage>], version: u64, smtp_port: u16) -> String {
    let rows: Vec<Row> = messages.iter().map(|m| Row::of(m)).collect();
    render(
        "list.html",
        context! { messages => Serde(rows), version, smtp_port },
    )
}

/// The page of one message.
pub fn message(m: &ReceivedMessage, smtp_port: u16) -> String {
    let row = Row::of(m);
    let page = context! {
        id => row.id, subject => row.subject, from => row.from, to => row.to,
        received => row.received, tls => m.tls, user => m.authenticated_as.clone(),
        has_html => m.html.is_some(),
        text => m.text.as_deref().map(linkify).map(Serde),
        headers => Serde(headers(&m.raw)),
    };
    render("message.html", context! { m => page, smtp_port })
}

fn render(name: &str, values: Value) -> String {
    TEMPLATES
        .get_template(name)
        .and_then(|t| t.render(values))
        .unwrap_or_else(|e| format!("the inbox page {name} failed to render: {e}"))
}

fn subject(m: &ReceivedMessage) -> String {
    m.subject.clone().unwrap_or_else(|| "(no subject)".into())
}

fn received(m: &ReceivedMessage) -> String {
    OffsetDateTime::from(m.received_at)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
        ))
        .unwrap_or_default()
}

/// Splits `text` into plain pieces and `http(s)://` links (up to whitespace, a quote or an
/// angle bracket), so the page can make the links clickable and escape everything.
pub fn linkify(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = next_link(rest) {
        let end = rest[start..]
            .find(ends_link)
            .map_or(rest.len(), |n| start + n);
        if start > 0 {
            pieces.push(Piece {
                text: rest[..start].to_owned(),
                link: None,
            });
        }
        pieces.push(Piece {
            text: String::new(),
            link: Some(rest[start..end].to_owned()),
        });
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        pieces.push(Piece {
            text: rest.to_owned(),
            link: None,
        });
    }
    pieces
}

fn next_link(text: &str) -> Option<usize> {
    ["http://", "https://"]
        .iter()
        .flat_map(|scheme| text.match_indices(scheme))
        .filter(|&(at, scheme)| {
            text[at + scheme.len()..]
                .chars()
                .next()
                .is_some_and(|c| !ends_link(c))
        })
        .map(|(at, _)| at)
        .min()
}

fn ends_link(c: char) -> bool {
    c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>')
}

/// The message's header fields, in order, continuation lines unfolded.
pub fn headers(raw: &[u8]) -> Vec<(String, String)> {
    let raw = String::from_utf8_lossy(raw);
    let head = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .map_or(raw.as_ref(), |(head, _)| head);
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            fields.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str) -> Piece {
        Piece {
            text: String::new(),
            link: Some(url.to_owned()),
        }
    }

    fn text(t: &str) -> Piece {
        Piece {
            text: t.to_owned(),
            link: None,
        }
    }

    #[test]
    fn links_in_text_are_found_up_to_the_first_space_or_quote() {
        assert_eq!(
            linkify(
                "Click\nhttp://127.0.0.1:5000/reset_password/a.b.c\n\nbye <https://x.example/p>"
            ),
            [
                text("Click\n"),
                link("http://127.0.0.1:5000/reset_password/a.b.c"),
                text("\n\nbye <"),
                link("https://x.example/p"),
                text(">"),
            ]
        );
        assert_eq!(
            linkify("just http:// alone, then http://a.example"),
            [text("just http:// alone, then "), link("http://a.example")]
        );
    }

    #[test]
    fn headers_are_unfolded_in_order() {
        let raw = b"From: a@example.com\r\nSubject: a long\r\n subject\r\nX-Empty:\r\n\r\nBody: no";
        assert_eq!(
            headers(raw),
            [
                ("From".to_owned(), "a@example.com".to_owned()),
                ("Subject".to_owned(), "a long subject".to_owned()),
                ("X-Empty".to_owned(), String::new()),
            ]
        );
    }
}
