//! Headless Chromium through chromedriver (fantoccini), with helpers that act as a person
//! does — click a link or a button by its text, type into a field, press the form's submit button — and
//! wait up to ten seconds for what they expect. The browser's console is read through
//! chromedriver's log endpoint after every step (`console.rs`) and audited by axe-core
//! (`axe.rs`); how Chromium is launched is in `chromium.rs`.

mod axe;
mod chromium;
mod console;

use anyhow::Context as _;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long to wait for an element, a text or a page.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// A WebDriver session on headless Chromium.
pub struct Browser {
    client: Client,
    /// `scheme://host:port` of the application: console errors about other origins
    /// failing to load are offline third parties (Gravatar), not page errors.
    origin: String,
}

impl Browser {
    /// Starts a session on the chromedriver at `webdriver`.
    ///
    /// # Errors
    /// chromedriver refuses the session (Chromium missing or failing to start).
    pub async fn connect(
        webdriver: &str,
        chromium: &Path,
        profile: &Path,
        origin: &str,
    ) -> anyhow::Result<Self> {
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(chromium::capabilities(chromium, profile)?)
            .connect(webdriver)
            .await
            .context("chromedriver did not open a Chromium session")?;
        Ok(Self {
            client,
            origin: origin.trim_end_matches('/').to_owned(),
        })
    }

    /// Ends the session (chromedriver then stops Chromium).
    pub async fn close(self) {
        let _ = self.client.close().await;
    }

    /// Goes to `url`, as typing it into the address bar or following a link in an email.
    pub async fn open(&self, url: &str) -> anyhow::Result<()> {
        self.client
            .goto(url)
            .await
            .with_context(|| format!("could not open {url}"))
    }

    /// Clicks the link whose text is exactly `text`.
    pub async fn click_link(&self, text: &str) -> anyhow::Result<()> {
        let link = self
            .wait_for(Locator::LinkText(text), &format!("a link {text:?}"))
            .await?;
        link.click()
            .await
            .with_context(|| format!("could not click the link {text:?}"))
    }

    /// Clicks the first element matching the CSS `selector`, described as `what` in errors.
    pub async fn click(&self, selector: &str, what: &str) -> anyhow::Result<()> {
        let element = self.wait_for(Locator::Css(selector), what).await?;
        element
            .click()
            .await
            .with_context(|| format!("could not click {what}"))
    }

    /// Clicks the first button whose text is exactly `text` (a form's only button, such as
    /// the navigation's "Logout").
    pub async fn click_button(&self, text: &str) -> anyhow::Result<()> {
        let xpath = format!("//button[normalize-space()='{text}']");
        let button = self
            .wait_for(Locator::XPath(&xpath), &format!("a button {text:?}"))
            .await?;
        button
            .click()
            .await
            .with_context(|| format!("could not click the button {text:?}"))
    }

    /// Types `value` into the (emptied) field named `name`.
    pub async fn fill(&self, name: &str, value: &str) -> anyhow::Result<()> {
        let selector = format!("[name=\"{name}\"]");
        let field = self
            .wait_for(Locator::Css(&selector), &format!("a field {name:?}"))
            .await?;
        field
            .clear()
            .await
            .with_context(|| format!("could not clear {name:?}"))?;
        field
            .send_keys(value)
            .await
            .with_context(|| format!("could not type into {name:?}"))
    }

    /// Presses the submit button of the form that holds the field `name`.
    pub async fn submit(&self, name: &str) -> anyhow::Result<()> {
        let selector = format!(
            "form:has([name=\"{name}\"]) button[type=\"submit\"], \
             form:has([name=\"{name}\"]) input[type=\"submit\"]"
        );
        let what = format!("a submit button in the form with {name:?}");
        let button = self.wait_for(Locator::Css(&selector), &what).await?;
        button
            .click()
            .await
            .with_context(|| format!("could not press {what}"))
    }

    /// Waits until the page shows `text`.
    pub async fn expect_text(&self, text: &str) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            let body = self.body_text().await.unwrap_or_default();
            if body.contains(text) {
                return Ok(());
            }
            if start.elapsed() > PATIENCE {
                let url = self.path().await.unwrap_or_default();
                let shown: String = body.chars().take(600).collect();
                anyhow::bail!("the page never showed {text:?} (at {url}, it shows:\n{shown})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page's path (and query) is `path`.
    pub async fn expect_path(&self, path: &str) -> anyhow::Result<()> {
        let start = Instant::now();
        loop {
            let here = self.path().await?;
            if here == path {
                return Ok(());
            }
            if start.elapsed() > PATIENCE {
                anyhow::bail!("the browser never reached {path} (it is at {here})");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The current path and query.
    pub async fn path(&self) -> anyhow::Result<String> {
        let url = self.url().await?;
        Ok(match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// Whether an element matching `selector` is on the page now (no waiting).
    pub async fn has(&self, selector: &str) -> anyhow::Result<bool> {
        let found = self.client.find_all(Locator::Css(selector)).await?;
        Ok(!found.is_empty())
    }

    /// How many elements match `selector` now (no waiting).
    pub async fn count(&self, selector: &str) -> anyhow::Result<usize> {
        Ok(self.client.find_all(Locator::Css(selector)).await?.len())
    }

    /// Saves a PNG of the viewport to `path`.
    pub async fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        let png = self
            .client
            .screenshot()
            .await
            .context("could not take a screenshot")?;
        std::fs::write(path, png).with_context(|| format!("could not write {}", path.display()))
    }

    async fn url(&self) -> anyhow::Result<url::Url> {
        self.client
            .current_url()
            .await
            .context("could not read the current URL")
    }

    async fn body_text(&self) -> anyhow::Result<String> {
        let body = self.client.find(Locator::Css("body")).await?;
        Ok(body.text().await?)
    }

    async fn wait_for(
        &self,
        locator: Locator<'_>,
        what: &str,
    ) -> anyhow::Result<fantoccini::elements::Element> {
        match self
            .client
            .wait()
            .at_most(PATIENCE)
            .every(POLL)
            .for_element(locator)
            .await
        {
            Ok(element) => Ok(element),
            Err(error) => {
                let url = self.url().await.map(|u| u.to_string()).unwrap_or_default();
                Err(error).with_context(|| format!("no {what} within 10 s (at {url})"))
            }
        }
    }
}
