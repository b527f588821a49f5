//! Tests of the sink over real sockets, with a tiny hand-written SMTP client so every reply
//! code can be checked.

mod control;
mod protocol;
mod security;

use super::{CA_CERTIFICATE_PEM, ReceivedMessage, SmtpSink};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Generous bound for anything that should happen at once on loopback.
const SOON: Duration = Duration::from_secs(5);

/// A line-oriented SMTP client over any stream.
struct Client<S> {
    io: BufReader<S>,
}

impl Client<TcpStream> {
    /// Connects and reads the greeting, which must be `220`.
    async fn connect(sink: &SmtpSink) -> Self {
        let mut client = Self::connect_raw(sink).await;
        assert_eq!(client.read_reply().await.0, 220);
        client
    }

    /// Connects without reading anything.
    async fn connect_raw(sink: &SmtpSink) -> Self {
        let stream = TcpStream::connect(sink.addr())
            .await
            .expect("sink is listening");
        Self {
            io: BufReader::new(stream),
        }
    }

    /// Switches to TLS, trusting the sink's certificate for `localhost`.
    async fn into_tls(self) -> Client<tokio_rustls::client::TlsStream<TcpStream>> {
        assert!(self.io.buffer().is_empty(), "bytes after the 220");
        let stream = tls_connect(self.io.into_inner()).await;
        Client {
            io: BufReader::new(stream),
        }
    }
}

/// A TLS client handshake that verifies the sink's certificate for the name `localhost`
/// against the test CA.
async fn tls_connect(stream: TcpStream) -> tokio_rustls::client::TlsStream<TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    let cert = CertificateDer::from_pem_slice(CA_CERTIFICATE_PEM.as_bytes()).expect("test CA");
    roots.add(cert).expect("the test CA is a valid root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the defaults")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from("localhost").expect("valid name");
    connector
        .connect(name, stream)
        .await
        .expect("TLS handshake with the sink")
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    async fn send(&mut self, line: &str) {
        let stream = self.io.get_mut();
        stream
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .expect("write to the sink");
        stream.flush().await.expect("flush");
    }

    /// Reads one reply: its code and its lines' texts joined with `\n`. Code 0 when the
    /// sink closed the connection.
    async fn read_reply(&mut self) -> (u16, String) {
        let mut texts = Vec::new();
        loop {
            let mut line = String::new();
            let read = tokio::time::timeout(SOON, self.io.read_line(&mut line))
                .await
                .expect("the sink answers in time");
            if read.unwrap_or(0) == 0 {
                return (0, texts.join("\n"));
            }
            let line = line.trim_end();
            let code = line
                .get(..3)
                .and_then(|c| c.parse().ok())
                .expect("reply code");
            texts.push(line.get(4..).unwrap_or("").to_owned());
            if line.as_bytes().get(3) != Some(&b'-') {
                return (code, texts.join("\n"));
            }
        }
    }

    /// Sends `line` and returns the reply.
    async fn command(&mut self, line: &str) -> (u16, String) {
        self.send(line).await;
        self.read_reply().await
    }

    /// Sends `line` and checks the reply's code.
    async fn expect(&mut self, line: &str, code: u16) -> String {
        let (got, text) = self.command(line).await;
        assert_eq!(got, code, "reply to {line:?} was {got} {text}");
        text
    }

    /// A whole transaction: MAIL, RCPT for each recipient, DATA with `content` (dot-stuffed
    /// here), and the final reply code.
    async fn transaction(&mut self, from: &str, to: &[&str], content: &str) -> u16 {
        self.expect(&format!("MAIL FROM:<{from}>"), 250).await;
        for rcpt in to {
            self.expect(&format!("RCPT TO:<{rcpt}>"), 250).await;
        }
        self.expect("DATA", 354).await;
        let mut data = String::new();
        for line in content.lines() {
            if line.starts_with('.') {
                data.push('.');
            }
            data.push_str(line);
            data.push_str("\r\n");
        }
        data.push_str(".\r\n");
        let stream = self.io.get_mut();
        stream.write_all(data.as_bytes()).await.expect("write data");
        stream.flush().await.expect("flush");
        self.read_reply().await.0
    }

    /// Sends one small message from `a@example.com` to `b@example.com`; the final reply code.
    async fn send_simple(&mut self, subject: &str, body: &str) -> u16 {
        let content = simple_message(subject, body);
        self.transaction("a@example.com", &["b@example.com"], &content)
            .await
    }

    /// Sends one small message from `a@example.com` to `b@example.com`, which must be
    /// accepted (250), and returns it as the sink kept it.
    async fn deliver(&mut self, sink: &SmtpSink, subject: &str, body: &str) -> ReceivedMessage {
        assert_eq!(self.send_simple(subject, body).await, 250);
        sink.wait_for_message("b@example.com", SOON)
            .await
            .expect("kept")
    }
}

/// The subjects of the messages `sink` keeps, oldest first.
fn kept_subjects(sink: &SmtpSink) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter_map(|m| m.subject)
        .collect()
}

/// A small message with a subject and a text body.
fn simple_message(subject: &str, body: &str) -> String {
    format!(
        "From: Microblog <noreply@example.com>\r\nTo: alice@example.com\r\nSubject: {subject}\r\n\
         Date: Tue, 1 Jul 2025 10:00:00 +0000\r\nMessage-ID: <1@example.com>\r\n\r\n{body}\r\n"
    )
}
