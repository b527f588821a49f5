//! AUTH on a session: PLAIN and LOGIN exchanges, refusals, and the login itself.

use super::{Next, Session};
use crate::smtp_sink::auth::{self, LOGIN_PASSWORD_PROMPT, LOGIN_USERNAME_PROMPT, Mechanism};
use std::io;
use tokio::io::{AsyncRead, AsyncWrite};

impl<S: AsyncRead + AsyncWrite + Unpin> Session<'_, S> {
    pub(super) async fn auth(
        &mut self,
        mechanism: &str,
        initial: Option<String>,
    ) -> io::Result<Next> {
        let refusal = if !self.greeted {
            Some((503, "5.5.1 Send EHLO first"))
        } else if self.shared.config.credentials.is_none() {
            Some((502, "5.5.1 AUTH not available"))
        } else if !self.offers_auth() {
            Some((
                538,
                "5.7.11 Encryption required for requested authentication mechanism",
            ))
        } else if self.user.is_some() {
            Some((503, "5.5.1 Already authenticated"))
        } else if self.envelope.is_some() {
            Some((503, "5.5.1 AUTH not allowed during a mail transaction"))
        } else {
            None
        };
        if let Some((code, text)) = refusal {
            return self.refuse(code, text).await;
        }
        let Some(mechanism) = Mechanism::parse(mechanism) else {
            return self
                .refuse(504, "5.5.4 Unrecognized authentication type")
                .await;
        };
        let answers = match mechanism {
            Mechanism::Plain => self
                .answer(initial, "")
                .await?
                .map(|a| a.and_then(|a| auth::split_plain(&a))),
            Mechanism::Login => match self.answer(initial, LOGIN_USERNAME_PROMPT).await? {
                Some(Some(user)) => self
                    .answer(None, LOGIN_PASSWORD_PROMPT)
                    .await?
                    .map(|password| password.map(|password| (user, password))),
                other => other.map(|_| None),
            },
        };
        let Some(answers) = answers else {
            return Ok(Next::Close);
        };
        let Some((user, password)) = answers else {
            return self.refuse(501, "5.5.2 Cannot decode the response").await;
        };
        let accepted = self
            .shared
            .config
            .credentials
            .as_ref()
            .is_some_and(|expected| auth::check(expected, &user, &password));
        if !accepted {
            return self
                .refuse(535, "5.7.8 Authentication credentials invalid")
                .await;
        }
        self.user = Some(user);
        self.reply(235, "2.7.0 Authentication successful").await?;
        Ok(Next::Continue)
    }

    /// One decoded AUTH answer: the initial response if given, else the reply to a `334
    /// prompt`. `None`: the session must end; `Some(None)`: cancelled or not decodable.
    async fn answer(
        &mut self,
        initial: Option<String>,
        prompt: &str,
    ) -> io::Result<Option<Option<String>>> {
        let encoded = match initial {
            Some(initial) => initial,
            None => {
                self.reply(334, prompt).await?;
                let mut line = Vec::new();
                match self.read_command(&mut line).await? {
                    Some(line) => line,
                    None => return Ok(None),
                }
            }
        };
        Ok(Some(match encoded.as_str() {
            "*" => None,
            "=" => Some(String::new()),
            other => auth::decode(other),
        }))
    }
}
