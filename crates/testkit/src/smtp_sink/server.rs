//! The listener: binds the port, accepts connections, runs a session for each, and upgrades
//! to TLS when the session asks for it.

use super::lines::IDLE_TIMEOUT;
use super::session::{self, Outcome};
use super::state::Shared;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Binds `addr` with `SO_REUSEADDR`, so a sink can come back on the port a stopped one used
/// while its old connections linger in TIME_WAIT.
pub(super) fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Accepts until `token` is cancelled; each connection runs on `tracker`.
pub(super) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    token: CancellationToken,
    tracker: TaskTracker,
) {
    loop {
        let accepted = tokio::select! {
            () = token.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, peer)) => {
                shared.count_connection();
                let shared = Arc::clone(&shared);
                let token = token.clone();
                tracker.spawn(async move {
                    tokio::select! {
                        () = token.cancelled() => {}
                        result = serve(stream, &shared) => {
                            if let Err(error) = result {
                                tracing::debug!(%peer, %error, "smtp sink connection ended");
                            }
                        }
                    }
                });
            }
            Err(error) => {
                // Out of file descriptors and the like: back off instead of spinning.
                tracing::warn!(%error, "smtp sink could not accept a connection");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

/// One connection, from greeting to close.
async fn serve(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let acceptor = shared.acceptor.as_ref();
    match acceptor {
        Some(acceptor) if shared.config.implicit_tls => {
            let tls = handshake(acceptor, stream).await?;
            session::run(tls, shared, true, true).await?;
        }
        _ => {
            if let Outcome::StartTls(stream) = session::run(stream, shared, false, true).await? {
                let acceptor = acceptor.ok_or_else(|| io::Error::other("STARTTLS without TLS"))?;
                let tls = handshake(acceptor, stream).await?;
                session::run(tls, shared, true, false).await?;
            }
        }
    }
    Ok(())
}

async fn handshake(
    acceptor: &tokio_rustls::TlsAcceptor,
    stream: TcpStream,
) -> io::Result<tokio_rustls::server::TlsStream<TcpStream>> {
    tokio::time::timeout(IDLE_TIMEOUT, acceptor.accept(stream))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))?
}
