//! The sink's TLS: rustls with the ring provider and the self-signed test certificate.

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The sink's self-signed certificate (localhost, 127.0.0.1, ::1), PEM. A client that wants
/// to verify the sink instead of accepting any certificate can trust this one.
pub const CERTIFICATE_PEM: &str = include_str!("../../certs/sink-cert.pem");

/// The certificate's private key, PEM. Public on purpose: it protects nothing.
pub const PRIVATE_KEY_PEM: &str = include_str!("../../certs/sink-key.pem");

/// A TLS acceptor serving the test certificate.
///
/// # Errors
/// The embedded certificate or key does not parse (a broken checkout).
pub(super) fn acceptor() -> io::Result<TlsAcceptor> {
    let certs = CertificateDer::pem_slice_iter(CERTIFICATE_PEM.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    let key =
        PrivateKeyDer::from_pem_slice(PRIVATE_KEY_PEM.as_bytes()).map_err(io::Error::other)?;
    // The provider is named rather than taken from the process default, which is ambiguous
    // (and panics) when some other crate in the build enables aws-lc as well.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(io::Error::other)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
