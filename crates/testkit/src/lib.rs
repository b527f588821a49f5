//! Microblog's test kit: a real SMTP sink, a recording mailer, the port mocks, in-memory
//! storage adapters, a spawner for the server process, and
//! contract suites that any adapter of the domain's ports can run to
//! prove itself correct.

pub mod contract;
pub mod in_memory;
pub mod ports;
pub mod recording_mailer;
pub mod server_process;
pub mod smtp_sink;

pub use in_memory::{InMemoryOutbox, InMemoryPosts, InMemoryUsers};
pub use in_memory::{InMemorySessions, InMemorySignInAttempts};
pub use microblog_domain::ports::MockSignInAttempts;
pub use microblog_domain::ports::{
    MockClock, MockEmailComposer, MockMailer, MockOutbox, MockPasswordHasher, MockPostRepository,
    MockUserRepository,
};
