//! `ReceivedMessage`: one accepted message, its envelope and its parsed parts.

use mail_parser::{MessageParser, PartType};
use std::time::SystemTime;

/// A message the sink accepted. The envelope fields are what the client said in SMTP; the
/// others are parsed from the content with `mail-parser` (`None` when absent or unparsable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// Sequence number since the sink started, from 1.
    pub id: u64,
    /// The `MAIL FROM` path (empty for a null sender `<>`).
    pub envelope_from: String,
    /// The `RCPT TO` paths, in order: where the message was really delivered.
    pub recipients: Vec<String>,
    /// The `From` header's address.
    pub from: Option<String>,
    /// The `From` header's display name.
    pub from_name: Option<String>,
    /// The `To` header's addresses.
    pub to: Vec<String>,
    /// The decoded `Subject`.
    pub subject: Option<String>,
    /// The `Message-ID` (without angle brackets).
    pub message_id: Option<String>,
    /// The raw `Date` header.
    pub date: Option<String>,
    /// The first `text/plain` body part, decoded.
    pub text: Option<String>,
    /// The first `text/html` body part, decoded.
    pub html: Option<String>,
    /// The content exactly as received after un-dot-stuffing (headers and body).
    pub raw: Vec<u8>,
    /// Whether the connection was encrypted (STARTTLS or implicit TLS).
    pub tls: bool,
    /// The user who authenticated on the connection, if AUTH was used.
    pub authenticated_as: Option<String>,
    /// When the final dot was received.
    pub received_at: SystemTime,
}

impl ReceivedMessage {
    /// Parses `raw` and records it with its envelope.
    pub(super) fn parse(
        envelope_from: String,
        recipients: Vec<String>,
        raw: Vec<u8>,
        tls: bool,
        authenticated_as: Option<String>,
    ) -> Self {
        let mut message = Self {
            id: 0,
            envelope_from,
            recipients,
            from: None,
            from_name: None,
            to: Vec::new(),
            subject: None,
            message_id: None,
            date: None,
            text: None,
            html: None,
            raw: Vec::new(),
            tls,
            authenticated_as,
            received_at: SystemTime::now(),
        };
        if let Some(parsed) = MessageParser::default().parse(&raw) {
            let from = parsed.from().and_then(|a| a.first());
            message.from = from.and_then(|a| a.address()).map(str::to_owned);
            message.from_name = from.and_then(|a| a.name()).map(str::to_owned);
            message.to = parsed
                .to()
                .map(|list| {
                    list.iter()
                        .filter_map(|a| a.address().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            message.subject = parsed.subject().map(str::to_owned);
            message.message_id = parsed.message_id().map(str::to_owned);
            message.date = parsed.header_raw("Date").map(|d| d.trim().to_owned());
            // `body_text` / `body_html` convert between the two when one is missing; a test
            // must see what was really sent, so take the parts of the right type only.
            message.text = parsed.text_bodies().find_map(|part| match &part.body {
                PartType::Text(text) => Some(text.to_string()),
                _ => None,
            });
            message.html = parsed.html_bodies().find_map(|part| match &part.body {
                PartType::Html(html) => Some(html.to_string()),
                _ => None,
            });
        }
        message.raw = raw;
        message
    }

    /// Whether `address` is among the envelope recipients (case-insensitive).
    pub fn is_to(&self, address: &str) -> bool {
        self.recipients
            .iter()
            .any(|r| r.eq_ignore_ascii_case(address.trim()))
    }

    /// The raw value of the first header called `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let parsed = MessageParser::default().parse(&self.raw)?;
        parsed
            .headers_raw()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| {
                value
                    .replace("\r\n", "")
                    .replace('\n', "")
                    .trim()
                    .to_owned()
            })
    }

    /// The content as text (lossy for bytes that are not UTF-8), e.g. to write an `.eml`.
    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}
