//! The mail transaction on a session: MAIL, RCPT and DATA, with injected faults.

use super::{Envelope, Next, Session};
use crate::smtp_sink::fault::Stage;
use crate::smtp_sink::lines::{self, Data};
use crate::smtp_sink::message::ReceivedMessage;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};

/// The most recipients one message may have (RFC 5321's minimum for servers).
const MAX_RECIPIENTS: usize = 100;

impl<S: AsyncRead + AsyncWrite + Unpin> Session<'_, S> {
    pub(super) async fn mail(&mut self, from: String, size: Option<usize>) -> io::Result<Next> {
        let config = &self.shared.config;
        let refusal = if !self.greeted {
            Some((503, "5.5.1 Send EHLO first"))
        } else if config.credentials.is_some() && self.user.is_none() {
            Some((530, "5.7.0 Authentication required"))
        } else if self.envelope.is_some() {
            Some((503, "5.5.1 Nested MAIL command"))
        } else if size.is_some_and(|size| size > config.max_message_size) {
            Some((552, "5.3.4 Message size exceeds fixed maximum message size"))
        } else {
            None
        };
        if let Some((code, text)) = refusal {
            return self.refuse(code, text).await;
        }
        if let Some((code, text)) = self.shared.strike(Stage::Mail) {
            self.reply(code, &text).await?;
            return Ok(Next::Continue);
        }
        self.envelope = Some(Envelope {
            from,
            recipients: Vec::new(),
        });
        self.reply(250, "2.1.0 OK").await?;
        Ok(Next::Continue)
    }

    pub(super) async fn rcpt(&mut self, to: String) -> io::Result<Next> {
        let Some(count) = self.envelope.as_ref().map(|e| e.recipients.len()) else {
            return self.refuse(503, "5.5.1 Need MAIL before RCPT").await;
        };
        if count >= MAX_RECIPIENTS {
            self.reply(452, "4.5.3 Too many recipients").await?;
            return Ok(Next::Continue);
        }
        if let Some((code, text)) = self.shared.strike(Stage::Rcpt) {
            self.reply(code, &text).await?;
            return Ok(Next::Continue);
        }
        if let Some(envelope) = self.envelope.as_mut() {
            envelope.recipients.push(to);
        }
        self.reply(250, "2.1.5 OK").await?;
        Ok(Next::Continue)
    }

    pub(super) async fn data(&mut self) -> io::Result<Next> {
        if self
            .envelope
            .as_ref()
            .is_none_or(|e| e.recipients.is_empty())
        {
            return self.refuse(503, "5.5.1 Need RCPT before DATA").await;
        }
        if let Some((code, text)) = self.shared.strike(Stage::Data) {
            self.reply(code, &text).await?;
            return Ok(Next::Continue);
        }
        self.reply(354, "End data with <CR><LF>.<CR><LF>").await?;
        let content = lines::read_data(&mut self.io, self.shared.config.max_message_size).await;
        let content = match content {
            Ok(Data::Complete(content)) => content,
            Ok(Data::TooBig) => {
                self.reply(552, "5.3.4 Message too big, closing").await?;
                return Ok(Next::Close);
            }
            Ok(Data::Closed) => return Ok(Next::Close),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                self.reply(421, "4.4.2 Idle too long, closing").await?;
                return Ok(Next::Close);
            }
            Err(e) => return Err(e),
        };
        let Some(envelope) = self.envelope.take() else {
            return Ok(Next::Close);
        };
        if let Some((code, text)) = self.shared.strike(Stage::Message) {
            self.reply(code, &text).await?;
            return Ok(Next::Continue);
        }
        let message = ReceivedMessage::parse(
            envelope.from,
            envelope.recipients,
            content,
            self.tls,
            self.user.clone(),
        );
        let id = self.shared.keep(message);
        self.reply(250, &format!("2.0.0 OK: queued as {id}"))
            .await?;
        Ok(Next::Continue)
    }
}
