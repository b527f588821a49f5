//! Which certificate authorities the mailer trusts: the operating system's store (honouring
//! `SSL_CERT_FILE` / `SSL_CERT_DIR`), plus the relay's own CA from `MAIL_CA_FILE`.
//!
//! A company relay usually presents a certificate from a private CA that IT installed in the
//! system trust store; Python's `smtplib` (the tutorial's Flask-Mail) trusts it, and so must
//! we. lettre's rustls backend would trust only the roots compiled into `webpki-roots`.

use super::config::MailConfigError;
use lettre::transport::smtp::client::{Certificate, CertificateStore, TlsParametersBuilder};
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::Path;

/// Adds the trusted roots to `builder`: the system's (via `rustls-native-certs`) or, on a
/// machine with none installed, Mozilla's compiled-in roots; and every certificate in
/// `ca_file`.
///
/// # Errors
/// [`MailConfigError::CaFile`] when `ca_file` cannot be read or holds no certificate.
pub(super) fn trust(
    mut builder: TlsParametersBuilder,
    ca_file: Option<&Path>,
) -> Result<TlsParametersBuilder, MailConfigError> {
    let system = system_roots();
    if system.is_empty() {
        tracing::warn!(
            "no CA certificates found in the system trust store (install ca-certificates, or \
             set SSL_CERT_FILE); trusting only the compiled-in Mozilla roots for mail"
        );
        builder = builder.certificate_store(CertificateStore::WebpkiRoots);
    } else {
        builder = builder.certificate_store(CertificateStore::None);
        for der in system {
            builder =
                builder.add_root_certificate(Certificate::from_der(der.to_vec()).map_err(|e| {
                    MailConfigError::Tls(format!("a system CA certificate is unusable: {e}"))
                })?);
        }
    }
    if let Some(path) = ca_file {
        for der in read_ca_file(path)? {
            builder =
                builder.add_root_certificate(Certificate::from_der(der.to_vec()).map_err(|e| {
                    MailConfigError::CaFile {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    }
                })?);
        }
    }
    Ok(builder)
}

/// The system's CA certificates that rustls can use as roots. Unreadable or unusable ones are
/// skipped (one broken file in `/etc/ssl/certs` must not stop mail), with a debug log.
fn system_roots() -> Vec<CertificateDer<'static>> {
    let loaded = rustls_native_certs::load_native_certs();
    for error in &loaded.errors {
        tracing::debug!(%error, "skipped part of the system trust store");
    }
    loaded.certs.into_iter().filter(usable_root).collect()
}

fn usable_root(cert: &CertificateDer<'static>) -> bool {
    RootCertStore::empty().add(cert.clone()).is_ok()
}

/// Every certificate of the PEM file at `path`, each checked usable as a root.
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, MailConfigError> {
    let failed = |reason: String| MailConfigError::CaFile {
        path: path.display().to_string(),
        reason,
    };
    let pem = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| failed(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(failed("holds no PEM certificate".into()));
    }
    if let Some(bad) = certs.iter().position(|c| !usable_root(c)) {
        return Err(failed(format!(
            "certificate {} is not a usable CA certificate",
            bad + 1
        )));
    }
    Ok(certs)
}
