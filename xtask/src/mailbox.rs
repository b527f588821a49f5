//! `cargo xtask mailbox [--port 8025]`: a local SMTP server that prints every email it gets
//! and saves it as an `.eml` file — the counterpart of the tutorial's
//! `python -m smtpd -n -c DebuggingServer localhost:8025`.

use microblog_testkit::smtp_sink::{ReceivedMessage, SmtpSink};
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::sync::broadcast::error::RecvError;

/// Serves SMTP on 127.0.0.1:`port` until Ctrl-C, printing each message (from, to, subject,
/// text part) and writing it to `out_dir` as `<time>-<n>.eml`.
///
/// # Errors
/// The port cannot be bound, or Ctrl-C cannot be listened for.
pub async fn run(port: u16, out_dir: &Path) -> anyhow::Result<()> {
    // Nothing is kept in memory: every message goes to the terminal and to disk.
    let sink = SmtpSink::builder()
        .port(port)
        .capacity(0)
        .start()
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let mut arrivals = sink.subscribe();
    println!(
        "Mailbox listening on {} — saving to {}",
        sink.addr(),
        out_dir.display()
    );
    println!(
        "Point the application at it: MAIL_SERVER=localhost MAIL_PORT={}",
        sink.port()
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
    sink.shutdown().await;
    println!("\nMailbox stopped.");
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
