//! Microblog's test kit: a real SMTP sink, a recording mailer, the port mocks, a spawner for
//! the server process, and contract suites that any adapter of the domain's ports can run to
//! prove itself correct.

pub mod contract;
pub mod ports;
pub mod recording_mailer;
pub mod server_process;
pub mod smtp_sink;

pub use microblog_domain::ports::{
    MockClock, MockEmailComposer, MockMailer, MockOutbox, MockPasswordHasher, MockPostRepository,
    MockUserRepository,
};
