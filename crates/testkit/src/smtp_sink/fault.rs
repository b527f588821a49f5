//! Injected failures: which reply the sink gives instead of success, where, how many times.

/// Where in the SMTP dialogue a [`Fault`] strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// The greeting: the server refuses the connection (e.g. `421` busy, `554` no service).
    Connect,
    /// The reply to `MAIL FROM`.
    Mail,
    /// The reply to each `RCPT TO` (e.g. `550` no such user, `451` try later).
    Rcpt,
    /// The reply to the `DATA` command, before the content is sent.
    Data,
    /// The reply after the content's final dot: the message is read, then refused.
    Message,
}

/// A reply to give instead of success. Built with [`Fault::at`] or a shortcut such as
/// [`Fault::rcpt`]; by default it strikes every time until cleared, [`Fault::times`] limits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub(super) stage: Stage,
    pub(super) code: u16,
    pub(super) text: String,
    pub(super) remaining: Option<u32>,
}

impl Fault {
    /// Replies `code text` at `stage`.
    ///
    /// # Panics
    /// When `code` is not a failure (400..=599) or `text` holds a line break: a test bug.
    pub fn at(stage: Stage, code: u16, text: &str) -> Self {
        assert!(
            (400..=599).contains(&code),
            "a fault's reply code must be 4xx or 5xx, not {code}"
        );
        assert!(
            !text.contains(['\r', '\n']),
            "a fault's text must be one line"
        );
        Self {
            stage,
            code,
            text: text.to_owned(),
            remaining: None,
        }
    }

    /// Refuses the connection at the greeting.
    pub fn connect(code: u16, text: &str) -> Self {
        Self::at(Stage::Connect, code, text)
    }

    /// Refuses `MAIL FROM`.
    pub fn mail(code: u16, text: &str) -> Self {
        Self::at(Stage::Mail, code, text)
    }

    /// Refuses `RCPT TO`, e.g. `Fault::rcpt(550, "5.1.1 No such user")`.
    pub fn rcpt(code: u16, text: &str) -> Self {
        Self::at(Stage::Rcpt, code, text)
    }

    /// Refuses the `DATA` command.
    pub fn data(code: u16, text: &str) -> Self {
        Self::at(Stage::Data, code, text)
    }

    /// Refuses the message after its content was received, e.g. `451 4.3.0 Try again later`.
    pub fn message(code: u16, text: &str) -> Self {
        Self::at(Stage::Message, code, text)
    }

    /// Strikes only the next `n` times, then the sink behaves again.
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Uses the fault once: the reply to give, and whether it is now used up.
    pub(super) fn strike(&mut self) -> ((u16, String), bool) {
        let reply = (self.code, self.text.clone());
        match &mut self.remaining {
            Some(n) => {
                *n = n.saturating_sub(1);
                (reply, *n == 0)
            }
            None => (reply, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limited_fault_is_used_up_after_its_count() {
        let mut fault = Fault::rcpt(451, "4.3.0 later").times(2);
        assert_eq!(fault.strike(), ((451, "4.3.0 later".to_owned()), false));
        assert_eq!(fault.strike(), ((451, "4.3.0 later".to_owned()), true));
    }

    #[test]
    fn an_unlimited_fault_is_never_used_up() {
        let mut fault = Fault::data(550, "5.7.1 no");
        for _ in 0..100 {
            assert!(!fault.strike().1);
        }
    }

    #[test]
    #[should_panic(expected = "4xx or 5xx")]
    fn a_success_code_is_not_a_fault() {
        let _ = Fault::rcpt(250, "OK");
    }

    #[test]
    #[should_panic(expected = "one line")]
    fn a_fault_text_cannot_inject_a_second_reply_line() {
        let _ = Fault::rcpt(550, "no\r\n250 OK");
    }
}
