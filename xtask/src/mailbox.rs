//! `cargo xtask mailbox [--port 8025] [--web-port 8026]`: a local SMTP server that prints
//! every email it gets and saves it as an `.eml` file — the counterpart of the tutorial's
//! `python -m smtpd -n -c DebuggingServer localhost:8025` — and a web inbox beside it, in
//! the spirit of Mailpit and letter_opener: the received mail, newest first and live, each
//! message's HTML (sandboxed) and text parts, headers and raw source, and "delete all".

mod inbox;
mod pages;
mod web;

pub use inbox::Inbox;
use microblog_testkit::smtp_sink::{ReceivedMessage, SmtpSink, SmtpSinkBuilder};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

/// The SMTP sink and the web inbox showing what it receives.
pub struct DevMailbox {
    pub sink: SmtpSink,
    pub inbox: Inbox,
    web: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
}

impl DevMailbox {
    /// Starts `sink` and the web inbox on 127.0.0.1:`web_port` (0: any free port).
    ///
    /// # Errors
    /// Either port cannot be bound.
    pub async fn start(sink: SmtpSinkBuilder, web_port: u16) -> anyhow::Result<Self> {
        let sink = sink
            .start()
            .await
            .map_err(|e| anyhow::anyhow!("cannot start the SMTP side: {e}"))?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, web_port))
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{web_port}: {e}"))?;
        let web = listener.local_addr()?;
        let inbox = Inbox::default();
        let mut arrivals = sink.subscribe();
        let keeper = inbox.clone();
        let collect = tokio::spawn(async move {
            loop {
                match arrivals.recv().await {
                    Ok(message) => keeper.push(message),
                    Err(RecvError::Lagged(missed)) => {
                        eprintln!("(the web inbox fell behind: {missed} messages are missing)");
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        });
        let app = web::router(inbox.clone(), sink.port(), web.port());
        let serve = tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, app).await {
                eprintln!("the web inbox stopped: {error}");
            }
        });
        Ok(Self {
            sink,
            inbox,
            web,
            tasks: vec![collect, serve],
        })
    }

    /// `http://127.0.0.1:<web port>`.
    pub fn web_url(&self) -> String {
        format!("http://{}", self.web)
    }

    /// Stops the web inbox and the SMTP sink.
    pub async fn shutdown(self) {
        for task in &self.tasks {
            task.abort();
        }
        self.sink.shutdown().await;
    }
}

/// Serves SMTP on 127.0.0.1:`port` and the web inbox on 127.0.0.1:`web_port` until Ctrl-C,
/// printing each message (from, to, subject, text part) and writing it to `out_dir` as
/// `<time>-<n>.eml`.
///
/// # Errors
/// A port cannot be bound, or Ctrl-C cannot be listened for.
pub async fn run(port: u16, web_port: u16, out_dir: &Path) -> anyhow::Result<()> {
    // The sink keeps nothing: the terminal, the disk and the bounded web inbox do.
    let mailbox = DevMailbox::start(SmtpSink::builder().port(port).capacity(0), web_port).await?;
    let mut arrivals = mailbox.sink.subscribe();
    println!(
        "Mailbox listening on {} — saving to {}",
        mailbox.sink.addr(),
        out_dir.display()
    );
    println!("Web inbox: {}", mailbox.web_url());
    println!(
        "Point the application at it: MAIL_SERVER=localhost MAIL_PORT={}",
        mailbox.sink.port()
    );
    println!("Press Ctrl-C to stop.\n");
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            stopped = &mut ctrl_c => {
                stopped?;
                break;
            }
            arrived = arrivals.recv() => match arrived {
                Ok(message) => show_and_save(&message, out_dir),
                Err(RecvError::Lagged(missed)) => {
                    eprintln!("(fell behind: {missed} messages were neither shown nor saved)");
                }
                Err(RecvError::Closed) => break,
            },
        }
    }
    let shown = mailbox.inbox.newest_first().len();
    mailbox.shutdown().await;
    println!("\nMailbox stopped ({shown} messages left the web inbox; the .eml files stay).");
    Ok(())
}

fn show_and_save(message: &ReceivedMessage, out_dir: &Path) {
    let rule = "-".repeat(72);
    let mut out = std::io::stdout().lock();
    let saved = match save(message, out_dir) {
        Ok(path) => format!("saved to {}", path.display()),
        Err(error) => format!("NOT saved: {error}"),
    };
    let text = message
        .text
        .clone()
        .unwrap_or_else(|| "(no text part)".to_owned());
    // A failed write to the terminal is not worth stopping the mailbox for.
    let _ = writeln!(
        out,
        "{rule}\nFrom:    {}\nTo:      {}\nSubject: {}\n({saved})\n\n{}\n{rule}",
        message.from.as_deref().unwrap_or(&message.envelope_from),
        message.recipients.join(", "),
        message.subject.as_deref().unwrap_or("(no subject)"),
        text.replace("\r\n", "\n").trim_end(),
    );
}

/// Writes the raw message to a new file in `out_dir`; never overwrites one.
fn save(message: &ReceivedMessage, out_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(out_dir)?;
    let at = OffsetDateTime::from(message.received_at);
    let stamp = at
        .format(format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .unwrap_or_else(|_| at.unix_timestamp().to_string());
    let mut attempt = 0;
    loop {
        let suffix = if attempt == 0 {
            String::new()
        } else {
            format!("-{attempt}")
        };
        let path = out_dir.join(format!("{stamp}-{:04}{suffix}.eml", message.id));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(&message.raw)?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
