//! Parsing one SMTP command line (without its CRLF) into a [`Command`].

/// A command the sink understands.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Command {
    Ehlo,
    Helo,
    StartTls,
    Auth {
        mechanism: String,
        initial: Option<String>,
    },
    Mail {
        path: String,
        size: Option<usize>,
    },
    Rcpt {
        path: String,
    },
    Data,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Help,
}

/// A reply refusing a line that is not a valid command.
pub(super) type Refusal = (u16, &'static str);

/// The longest address accepted in MAIL FROM / RCPT TO (RFC 5321 path limit).
const MAX_PATH: usize = 256;

/// Parses `line`.
///
/// # Errors
/// `500` for an unknown command, `501` for bad arguments, `555` for unknown MAIL parameters.
pub(super) fn parse(line: &str) -> Result<Command, Refusal> {
    let (verb, rest) = match line.split_once(' ') {
        Some((verb, rest)) => (verb, rest.trim()),
        None => (line, ""),
    };
    let no_argument = |command: Command| {
        if rest.is_empty() {
            Ok(command)
        } else {
            Err((501, "5.5.4 Syntax error: no parameters allowed"))
        }
    };
    match verb.to_ascii_uppercase().as_str() {
        "EHLO" | "HELO" if rest.is_empty() => Err((501, "5.5.4 Syntax error: domain required")),
        "EHLO" => Ok(Command::Ehlo),
        "HELO" => Ok(Command::Helo),
        "STARTTLS" => no_argument(Command::StartTls),
        "AUTH" => {
            let mut words = rest.split_whitespace();
            let mechanism = words
                .next()
                .ok_or((501, "5.5.4 Syntax error: mechanism required"))?;
            let initial = words.next().map(str::to_owned);
            if words.next().is_some() {
                return Err((501, "5.5.4 Syntax error in AUTH"));
            }
            Ok(Command::Auth {
                mechanism: mechanism.to_owned(),
                initial,
            })
        }
        "MAIL" => {
            let (path, params) = path_argument(rest, "FROM:")?;
            let mut size = None;
            for param in params.split_whitespace() {
                let (key, value) = param.split_once('=').unwrap_or((param, ""));
                match key.to_ascii_uppercase().as_str() {
                    "SIZE" => {
                        size = Some(value.parse().map_err(|_| (501, "5.5.4 Bad SIZE"))?);
                    }
                    "BODY" | "SMTPUTF8" => {}
                    _ => return Err((555, "5.5.4 Unsupported MAIL parameter")),
                }
            }
            Ok(Command::Mail { path, size })
        }
        "RCPT" => {
            let (path, params) = path_argument(rest, "TO:")?;
            if !params.is_empty() {
                return Err((555, "5.5.4 Unsupported RCPT parameter"));
            }
            if !path.contains('@') && !path.eq_ignore_ascii_case("postmaster") {
                return Err((501, "5.1.3 Bad recipient address syntax"));
            }
            Ok(Command::Rcpt { path })
        }
        "DATA" => no_argument(Command::Data),
        "RSET" => no_argument(Command::Rset),
        "NOOP" => Ok(Command::Noop),
        "QUIT" => no_argument(Command::Quit),
        "VRFY" => Ok(Command::Vrfy),
        "HELP" => Ok(Command::Help),
        _ => Err((500, "5.5.2 Command unrecognized")),
    }
}

/// Splits `FROM:<path> params` (the keyword case-insensitive) into the path and the rest.
fn path_argument<'a>(rest: &'a str, keyword: &str) -> Result<(String, &'a str), Refusal> {
    let syntax = (501, "5.5.4 Syntax error in path");
    let head = rest.get(..keyword.len()).ok_or(syntax)?;
    if !head.eq_ignore_ascii_case(keyword) {
        return Err(syntax);
    }
    let after = rest[keyword.len()..].trim_start();
    let inner = after.strip_prefix('<').ok_or(syntax)?;
    let (path, params) = inner.split_once('>').ok_or(syntax)?;
    // A source route (`@relay1,@relay2:user@host`) is obsolete; keep the mailbox only.
    let path = match path.split_once(':') {
        Some((route, mailbox)) if route.starts_with('@') => mailbox,
        _ => path,
    };
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>');
    if path.len() > MAX_PATH || path.contains(bad) {
        return Err((501, "5.1.7 Bad address syntax"));
    }
    Ok((path.to_owned(), params.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_are_case_insensitive() {
        assert_eq!(parse("ehlo client.example"), Ok(Command::Ehlo));
        assert_eq!(parse("QuIt"), Ok(Command::Quit));
    }

    #[test]
    fn mail_from_yields_the_path_and_the_size() {
        assert_eq!(
            parse("MAIL FROM:<a@example.com> SIZE=1234 BODY=8BITMIME"),
            Ok(Command::Mail {
                path: "a@example.com".to_owned(),
                size: Some(1234)
            })
        );
        assert_eq!(
            parse("mail from: <>"),
            Ok(Command::Mail {
                path: String::new(),
                size: None
            })
        );
    }

    #[test]
    fn a_source_route_is_dropped() {
        assert_eq!(
            parse("RCPT TO:<@relay.example:bob@example.com>"),
            Ok(Command::Rcpt {
                path: "bob@example.com".to_owned()
            })
        );
    }

    #[test]
    fn malformed_paths_are_refused_with_501() {
        for line in [
            "MAIL FROM:a@example.com",
            "MAIL TO:<a@example.com>",
            "RCPT TO:<a b@example.com>",
            "RCPT TO:<nobody>",
            "RCPT TO:<a@example.com",
            "MAIL FROM:<a@example.com> SIZE=big",
        ] {
            assert_eq!(parse(line).map_err(|e| e.0), Err(501), "{line}");
        }
        let long = format!("RCPT TO:<{}@example.com>", "a".repeat(300));
        assert_eq!(parse(&long).map_err(|e| e.0), Err(501));
    }

    #[test]
    fn unknown_commands_and_parameters_are_refused() {
        assert_eq!(parse("EXPN staff").map_err(|e| e.0), Err(500));
        assert_eq!(
            parse("MAIL FROM:<a@example.com> XFORWARD=1").map_err(|e| e.0),
            Err(555)
        );
        assert_eq!(parse("DATA now").map_err(|e| e.0), Err(501));
        assert_eq!(parse("EHLO").map_err(|e| e.0), Err(501));
    }

    #[test]
    fn auth_takes_a_mechanism_and_an_optional_initial_response() {
        assert_eq!(
            parse("AUTH PLAIN AGEAYg=="),
            Ok(Command::Auth {
                mechanism: "PLAIN".to_owned(),
                initial: Some("AGEAYg==".to_owned())
            })
        );
        assert_eq!(
            parse("AUTH LOGIN"),
            Ok(Command::Auth {
                mechanism: "LOGIN".to_owned(),
                initial: None
            })
        );
    }
}
