//! The sink's TLS: rustls with the ring provider and a certificate signed by the test CA.

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::io;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The sink's certificate (localhost, 127.0.0.1, ::1), PEM, signed by [`CA_CERTIFICATE_PEM`].
pub const CERTIFICATE_PEM: &str = include_str!("../../certs/sink-cert.pem");

/// The test CA that signed the sink's certificate, PEM: what a client trusts to verify the
/// sink with verification on, as it would a company relay's private CA.
pub const CA_CERTIFICATE_PEM: &str = include_str!("../../certs/test-ca.pem");

/// The same test CA as a file, for clients configured by path (`MAIL_CA_FILE`,
/// `SSL_CERT_FILE`).
pub fn ca_certificate_path() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/certs/test-ca.pem"))
}

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
