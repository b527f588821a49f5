//! One SMTP session: the command loop and its state (greeting, TLS, login, transaction).

use super::command::{self, Command};
use super::fault::Stage;
use super::lines::{self, Line, MAX_COMMAND_LINE};
use super::state::Shared;
use std::io;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

mod login;
mod transaction;

/// After this many refused commands the sink hangs up (as real servers do with scanners).
const MAX_ERRORS: u32 = 20;

/// How a session ended.
pub(super) enum Outcome<S> {
    /// QUIT, hang-up, or the sink refused to go on.
    Closed,
    /// The client asked for STARTTLS and got `220`: the caller wraps the stream in TLS.
    StartTls(S),
}

enum Next {
    Continue,
    Close,
    StartTls,
}

struct Envelope {
    from: String,
    recipients: Vec<String>,
}

struct Session<'a, S> {
    io: BufReader<S>,
    shared: &'a Shared,
    tls: bool,
    greeted: bool,
    user: Option<String>,
    envelope: Option<Envelope>,
    errors: u32,
}

/// Runs the command loop on `stream`; `greet` is false after STARTTLS (no second banner).
///
/// # Errors
/// The connection failed.
pub(super) async fn run<S>(
    stream: S,
    shared: &Shared,
    tls: bool,
    greet: bool,
) -> io::Result<Outcome<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut session = Session {
        io: BufReader::with_capacity(8 * 1024, stream),
        shared,
        tls,
        greeted: false,
        user: None,
        envelope: None,
        errors: 0,
    };
    if greet {
        if let Some((code, text)) = shared.strike(Stage::Connect) {
            session.reply(code, &text).await?;
            return Ok(Outcome::Closed);
        }
        session
            .reply(220, "localhost ESMTP microblog test sink")
            .await?;
    }
    let mut line = Vec::with_capacity(256);
    loop {
        let Some(text) = session.read_command(&mut line).await? else {
            return Ok(Outcome::Closed);
        };
        match session.handle(&text).await? {
            Next::Continue => {}
            Next::Close => return Ok(Outcome::Closed),
            Next::StartTls => {
                // Anything already buffered was sent in clear text before the handshake and
                // would be executed as if protected (CVE-2011-0411): hang up instead.
                if !session.io.buffer().is_empty() {
                    return Ok(Outcome::Closed);
                }
                return Ok(Outcome::StartTls(session.io.into_inner()));
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<'_, S> {
    async fn reply(&mut self, code: u16, text: &str) -> io::Result<()> {
        self.reply_lines(code, &[text]).await
    }

    /// Writes a (possibly multi-line) reply after the configured delay.
    async fn reply_lines(&mut self, code: u16, lines: &[&str]) -> io::Result<()> {
        let delay = self.shared.delay();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            let separator = if i + 1 == lines.len() { ' ' } else { '-' };
            out.push_str(&format!("{code}{separator}{line}\r\n"));
        }
        let stream = self.io.get_mut();
        stream.write_all(out.as_bytes()).await?;
        stream.flush().await
    }

    /// Refuses a command; too many refusals end the session.
    async fn refuse(&mut self, code: u16, text: &str) -> io::Result<Next> {
        self.errors += 1;
        if self.errors >= MAX_ERRORS {
            self.reply(421, "4.7.0 Too many errors, closing").await?;
            return Ok(Next::Close);
        }
        self.reply(code, text).await?;
        Ok(Next::Continue)
    }

    /// The next line without its line end; `None` when the session must end.
    async fn read_command(&mut self, line: &mut Vec<u8>) -> io::Result<Option<String>> {
        loop {
            match lines::read_line(&mut self.io, line, MAX_COMMAND_LINE).await {
                Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                    self.reply(421, "4.4.2 Idle too long, closing").await?;
                    return Ok(None);
                }
                Err(e) => return Err(e),
                Ok(Line::Closed) => return Ok(None),
                Ok(Line::TooLong) => {
                    self.reply(500, "5.5.2 Line too long").await?;
                    return Ok(None);
                }
                Ok(Line::Complete) => {}
            }
            match std::str::from_utf8(line) {
                Ok(text) => return Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned())),
                Err(_) => {
                    if let Next::Close = self.refuse(500, "5.5.2 Syntax error").await? {
                        return Ok(None);
                    }
                }
            }
        }
    }

    async fn handle(&mut self, line: &str) -> io::Result<Next> {
        let command = match command::parse(line) {
            Ok(command) => command,
            Err((code, text)) => return self.refuse(code, text).await,
        };
        match command {
            Command::Ehlo => {
                self.greeted = true;
                self.envelope = None;
                self.ehlo().await?;
            }
            Command::Helo => {
                self.greeted = true;
                self.envelope = None;
                self.reply(250, "localhost").await?;
            }
            Command::StartTls => return self.starttls().await,
            Command::Auth { mechanism, initial } => return self.auth(&mechanism, initial).await,
            Command::Mail { path, size } => return self.mail(path, size).await,
            Command::Rcpt { path } => return self.rcpt(path).await,
            Command::Data => return self.data().await,
            Command::Rset => {
                self.envelope = None;
                self.reply(250, "2.0.0 OK").await?;
            }
            Command::Noop => self.reply(250, "2.0.0 OK").await?,
            Command::Quit => {
                self.reply(221, "2.0.0 Bye").await?;
                return Ok(Next::Close);
            }
            Command::Vrfy => self.reply(252, "2.1.5 Will accept the message").await?,
            Command::Help => self.reply(214, "2.0.0 See RFC 5321").await?,
        }
        Ok(Next::Continue)
    }

    fn offers_starttls(&self) -> bool {
        self.shared.config.starttls && !self.tls
    }

    /// AUTH is offered when configured, and only over TLS if TLS is available at all.
    fn offers_auth(&self) -> bool {
        self.shared.config.credentials.is_some() && (self.tls || !self.shared.config.starttls)
    }

    async fn ehlo(&mut self) -> io::Result<()> {
        let size = format!("SIZE {}", self.shared.config.max_message_size);
        let mut lines = vec!["localhost greets you", "8BITMIME", "SMTPUTF8", &size];
        if self.offers_starttls() {
            lines.push("STARTTLS");
        }
        if self.offers_auth() {
            lines.push("AUTH PLAIN LOGIN");
        }
        lines.push("HELP");
        self.reply_lines(250, &lines).await
    }

    async fn starttls(&mut self) -> io::Result<Next> {
        if !self.offers_starttls() {
            return self.refuse(502, "5.5.1 STARTTLS not available").await;
        }
        if !self.greeted {
            return self.refuse(503, "5.5.1 Send EHLO first").await;
        }
        self.reply(220, "2.0.0 Ready to start TLS").await?;
        Ok(Next::StartTls)
    }
}
