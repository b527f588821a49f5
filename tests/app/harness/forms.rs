//! Reading pages and their forms as a browser would.

use reqwest::{Response, StatusCode};
use scraper::{Html, Selector};

/// A fetched page.
pub struct Page {
    pub path: String,
    pub status: StatusCode,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Page {
    pub async fn read(response: Response) -> Self {
        let path = response.url().path().to_owned();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Self {
            path,
            status,
            body,
            headers,
        }
    }

    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

/// The action and the prefilled fields (hidden inputs and other inputs with a value) of the
/// first POST form whose action contains `action`. The navigation's logout button (a POST
/// form on every logged-in page) is the page's form only when `action` asks for it.
pub fn form_fields(html: &str, action: &str) -> Option<(String, Vec<(String, String)>)> {
    let document = Html::parse_document(html);
    let forms = Selector::parse("form").ok()?;
    let inputs = Selector::parse("input[name]").ok()?;
    document.select(&forms).find_map(|form| {
        let method = form.value().attr("method").unwrap_or("get");
        let target = form.value().attr("action").unwrap_or_default();
        if !method.eq_ignore_ascii_case("post") || !target.contains(action) {
            return None;
        }
        let nav_logout = form.value().attr("class") == Some("nav-form");
        // The unconfirmed-address banner's button is on every page; it is not the page's form.
        let banner = action.is_empty() && target == "/resend_confirmation";
        if (nav_logout && !action.contains("logout")) || banner {
            return None;
        }
        let fields = form
            .select(&inputs)
            .filter(|input| {
                let kind = input.value().attr("type").unwrap_or("text");
                !matches!(kind, "submit" | "checkbox" | "password")
            })
            .filter_map(|input| {
                let name = input.value().attr("name")?;
                let value = input.value().attr("value").unwrap_or_default();
                Some((name.to_owned(), value.to_owned()))
            })
            .collect();
        Some((target.to_owned(), fields))
    })
}
