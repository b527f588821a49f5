//! The soak's traffic: requests leave on a fixed schedule (`rate` per second), each of a
//! kind drawn from a weighted mix — logged-in browsing, posting, wrong-password logins and
//! reset requests (a known address is asked for at most once) — and every answer is tallied.

use super::faults::Rng;
use crate::bench::paced::{self, FormSession, hidden_value};
use crate::bench::{seed, session};
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// What a request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Index,
    Explore,
    Profile,
    Post,
    LoginPage,
    WrongLogin,
    ResetKnown,
    ResetUnknown,
}

/// The mix, in percent.
const MIX: [(Kind, u64); 8] = [
    (Kind::Index, 20),
    (Kind::Explore, 15),
    (Kind::Profile, 15),
    (Kind::Post, 15),
    (Kind::LoginPage, 9),
    (Kind::WrongLogin, 10),
    (Kind::ResetKnown, 10),
    (Kind::ResetUnknown, 6),
];

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Index => "GET /index (logged in)",
            Self::Explore => "GET /explore (logged in)",
            Self::Profile => "GET /user/<name> (logged in)",
            Self::Post => "POST /index (a new post)",
            Self::LoginPage => "GET /login",
            Self::WrongLogin => "POST /login, wrong password",
            Self::ResetKnown => "POST /reset_password_request, known address",
            Self::ResetUnknown => "POST /reset_password_request, unknown address",
        }
    }

    fn draw(rng: &mut Rng) -> Self {
        let total: u64 = MIX.iter().map(|(_, w)| w).sum();
        let mut pick = rng.below(total);
        for (kind, weight) in MIX {
            if pick < weight {
                return kind;
            }
            pick -= weight;
        }
        Kind::Index
    }
}

/// Logged-in users who browse and post.
const BROWSERS: usize = 8;
/// Requests in flight at most; past it the schedule waits (and the lag is reported).
const IN_FLIGHT: usize = 64;

/// How much traffic, and so how many users to seed.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub rate: u32,
    pub total: usize,
}

impl Plan {
    pub fn new(rate: u32, duration: Duration) -> Self {
        let total = (f64::from(rate) * duration.as_secs_f64()) as usize;
        Self { rate, total }
    }

    /// The browsers, every known address the mix may ask for (with a margin for chance), and
    /// a few more.
    pub fn users(&self) -> usize {
        let share = MIX
            .iter()
            .find(|(kind, _)| *kind == Kind::ResetKnown)
            .map_or(0, |(_, w)| *w);
        BROWSERS + self.total * share as usize * 5 / 400 + 16
    }
}

/// Answers of one kind.
#[derive(Clone, Debug, Default)]
pub struct KindTally {
    pub statuses: BTreeMap<u16, usize>,
    /// Requests with no HTTP answer (refused, reset, timed out).
    pub errors: usize,
    pub latencies_ms: Vec<f64>,
}

/// Everything the traffic saw.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub kinds: BTreeMap<Kind, KindTally>,
    /// Known addresses whose reset request was answered with the redirect.
    pub accepted: Vec<String>,
    /// Known addresses whose request got anything else (status, or none).
    pub not_accepted: Vec<(String, Option<u16>)>,
    /// Unknown addresses asked for: none may get mail.
    pub unknown: Vec<String>,
    /// The longest a request left after its scheduled time.
    pub max_lag_ms: f64,
}

type Shared = Arc<Mutex<Tally>>;

fn lock(tally: &Shared) -> std::sync::MutexGuard<'_, Tally> {
    tally.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A logged-in user's cookie and the CSRF token of their forms.
struct Browser {
    username: String,
    form: FormSession,
}

/// The prepared sessions and the schedule.
pub struct Driver {
    base: String,
    plan: Plan,
    rng: Rng,
    client: reqwest::Client,
    browsers: Vec<Browser>,
    login_form: FormSession,
    reset_form: FormSession,
    users: usize,
}

impl Driver {
    /// Logs the browsers in and opens the guest forms.
    pub async fn prepare(base: &str, plan: Plan, seed: u64) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(IN_FLIGHT)
            .timeout(Duration::from_secs(30))
            .build()?;
        let mut browsers = Vec::with_capacity(BROWSERS);
        for i in 0..BROWSERS {
            let username = seed::username(i);
            let mut cookie = session::login(base, &username, seed::PASSWORD).await?;
            let page = client
                .get(format!("{base}/index"))
                .header(reqwest::header::COOKIE, &cookie)
                .send()
                .await?;
            cookie = session::merged(&cookie, &page);
            let body = page.text().await?;
            let csrf_token = hidden_value(&body, "csrf_token").context("no form on /index")?;
            browsers.push(Browser {
                username,
                form: FormSession { cookie, csrf_token },
            });
        }
        let login = client.get(format!("{base}/login")).send().await?;
        let cookie = session::cookies(&login);
        let body = login.text().await?;
        let csrf_token = hidden_value(&body, "csrf_token").context("no form on /login")?;
        Ok(Self {
            base: base.to_owned(),
            plan,
            rng: Rng::new(seed ^ 0x7261_6666_6963),
            client,
            browsers,
            login_form: FormSession { cookie, csrf_token },
            reset_form: paced::open_form(base).await?,
            users: plan.users(),
        })
    }

    /// Sends `plan.total` requests at `plan.rate` per second, then waits for every answer.
    pub async fn run(mut self) -> anyhow::Result<Tally> {
        let tally = Shared::default();
        let slots = Arc::new(Semaphore::new(IN_FLIGHT));
        let interval = Duration::from_secs_f64(1.0 / f64::from(self.plan.rate.max(1)));
        let start = tokio::time::Instant::now();
        let mut next_known = BROWSERS;
        let mut tasks = tokio::task::JoinSet::new();
        let progress_every = (self.plan.rate as usize * 60).max(1);
        for i in 0..self.plan.total {
            let due = start + interval.mul_f64(i as f64);
            tokio::time::sleep_until(due).await;
            let slot = Arc::clone(&slots).acquire_owned().await?;
            let lag = due.elapsed().as_secs_f64() * 1000.0;
            {
                let mut t = lock(&tally);
                t.max_lag_ms = t.max_lag_ms.max(lag);
            }
            let mut kind = Kind::draw(&mut self.rng);
            if kind == Kind::ResetKnown && next_known >= self.users {
                kind = Kind::ResetUnknown;
            }
            let address = match kind {
                Kind::ResetKnown => {
                    next_known += 1;
                    Some(seed::email(next_known - 1))
                }
                Kind::ResetUnknown => Some(format!("nobody{i}@soak.example")),
                _ => None,
            };
            let request = self.request(kind, i, address.as_deref());
            let shared = Arc::clone(&tally);
            tasks.spawn(async move {
                let sent = Instant::now();
                let status = request.send().await.ok().map(|r| r.status().as_u16());
                let took = sent.elapsed().as_secs_f64() * 1000.0;
                record(&shared, kind, status, took, address);
                drop(slot);
            });
            while tasks.try_join_next().is_some() {}
            if (i + 1) % progress_every == 0 {
                let t = lock(&tally);
                println!(
                    "  minute {}: {} requests, {} reset requests accepted",
                    (i + 1) / progress_every,
                    i + 1,
                    t.accepted.len()
                );
            }
        }
        while tasks.join_next().await.is_some() {}
        let tally = lock(&tally).clone();
        Ok(tally)
    }

    fn request(&mut self, kind: Kind, i: usize, address: Option<&str>) -> reqwest::RequestBuilder {
        let base = &self.base;
        let browser = &self.browsers[self.rng.below(self.browsers.len() as u64) as usize];
        let as_browser = |request: reqwest::RequestBuilder| {
            request.header(reqwest::header::COOKIE, &browser.form.cookie)
        };
        let as_guest = |request: reqwest::RequestBuilder, form: &FormSession| {
            request.header(reqwest::header::COOKIE, &form.cookie)
        };
        match kind {
            Kind::Index => as_browser(self.client.get(format!("{base}/index"))),
            Kind::Explore => as_browser(self.client.get(format!("{base}/explore"))),
            Kind::Profile => {
                let user = seed::username(self.rng.below(self.users as u64) as usize);
                as_browser(self.client.get(format!("{base}/user/{user}")))
            }
            Kind::Post => {
                let text = format!("Soak post {i} by {}: still standing.", browser.username);
                as_browser(self.client.post(format!("{base}/index")).form(&[
                    ("csrf_token", browser.form.csrf_token.as_str()),
                    ("post", text.as_str()),
                ]))
            }
            Kind::LoginPage => self.client.get(format!("{base}/login")),
            Kind::WrongLogin => {
                let user = seed::username(self.rng.below(self.users as u64) as usize);
                let form = &self.login_form;
                as_guest(self.client.post(format!("{base}/login")), form).form(&[
                    ("csrf_token", form.csrf_token.as_str()),
                    ("username", user.as_str()),
                    ("password", "not the password"),
                ])
            }
            Kind::ResetKnown | Kind::ResetUnknown => {
                let form = &self.reset_form;
                as_guest(
                    self.client.post(format!("{base}/reset_password_request")),
                    form,
                )
                .form(&[
                    ("csrf_token", form.csrf_token.as_str()),
                    ("email", address.unwrap_or_default()),
                ])
            }
        }
    }
}

fn record(tally: &Shared, kind: Kind, status: Option<u16>, took_ms: f64, address: Option<String>) {
    let mut t = lock(tally);
    let entry = t.kinds.entry(kind).or_default();
    match status {
        Some(status) => *entry.statuses.entry(status).or_default() += 1,
        None => entry.errors += 1,
    }
    entry.latencies_ms.push(took_ms);
    match (kind, address) {
        (Kind::ResetKnown, Some(address)) if status == Some(302) => t.accepted.push(address),
        (Kind::ResetKnown, Some(address)) => t.not_accepted.push((address, status)),
        (Kind::ResetUnknown, Some(address)) => t.unknown.push(address),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mix_is_drawn_in_its_proportions() {
        let mut rng = Rng::new(7);
        let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
        for _ in 0..100_000 {
            *counts.entry(Kind::draw(&mut rng)).or_default() += 1;
        }
        for (kind, weight) in MIX {
            let share = counts[&kind] as f64 / 1000.0;
            assert!((share - weight as f64).abs() < 1.0, "{kind:?}: {share} %");
        }
    }

    #[test]
    fn enough_users_are_seeded_for_every_known_reset_with_a_margin() {
        let plan = Plan::new(20, Duration::from_secs(600));
        assert_eq!(plan.total, 12_000);
        // 10 % of 12,000 is 1,200 known addresses; a quarter more, plus the browsers.
        assert_eq!(plan.users(), BROWSERS + 1_500 + 16);
    }
}
