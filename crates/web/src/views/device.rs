//! A readable device label from a user agent ("Firefox on Linux"), with woothee, the Rust
//! port of the cross-language woothee project's rules.

use std::sync::LazyLock;
use woothee::parser::Parser;

static PARSER: LazyLock<Parser> = LazyLock::new(Parser::new);

/// "Browser on OS" for `user_agent`; "Unknown browser" when woothee knows neither part, and
/// only the part it knows otherwise.
pub(crate) fn device_label(user_agent: &str) -> String {
    let known = |value: &str| !value.is_empty() && value != woothee::woothee::VALUE_UNKNOWN;
    let Some(result) = PARSER.parse(user_agent) else {
        return "Unknown browser".to_owned();
    };
    match (known(result.name), known(result.os)) {
        (true, true) => format!("{} on {}", result.name, result.os),
        (true, false) => result.name.to_owned(),
        (false, true) => format!("Unknown browser on {}", result.os),
        (false, false) => "Unknown browser".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_read_as_browser_on_os() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device_label(firefox), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(device_label(chrome), "Chrome on Windows 10");
    }

    #[test]
    fn unknown_agents_say_so() {
        assert_eq!(device_label(""), "Unknown browser");
        assert_eq!(device_label("no browser says this"), "Unknown browser");
    }
}
