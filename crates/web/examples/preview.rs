//! Serves the pages over the testkit's in-memory adapters filled with sample data, to look
//! at the design:
//!
//! ```text
//! cargo run -p microblog-web --example preview            # http://127.0.0.1:5055
//! PREVIEW_AS=susan cargo run -p microblog-web --example preview   # browse as susan
//! PREVIEW_ADDR=127.0.0.1:5056 cargo run -p microblog-web --example preview
//! ```
//!
//! Debug builds read templates and the stylesheet from disk, so edits show on reload.

#[path = "../tests/web/support/fakes.rs"]
#[allow(dead_code)]
mod fakes;
#[path = "../tests/web/support/wiring.rs"]
#[allow(dead_code)]
mod wiring;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use fakes::SwitchableReadiness;
use microblog_crypto::Argon2Hasher;
use microblog_domain::ports::{PasswordHasher, PostRepository, UserRepository};
use microblog_domain::{AboutMe, EmailAddress, NewUser, Password, PostBody, SecretKey, Username};
use microblog_testkit::{InMemoryOutbox, InMemoryPosts, InMemoryUsers};
use microblog_web::{WebConfig, app};
use std::net::SocketAddr;
use std::sync::Arc;
use time::OffsetDateTime;
use tower::ServiceExt;

const PASSWORD: &str = "correct horse battery";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users = Arc::new(InMemoryUsers::default());
    let posts = Arc::new(InMemoryPosts::new(users.clone()));
    let outbox = Arc::new(InMemoryOutbox::default());
    let hasher = Arc::new(Argon2Hasher::for_tests());
    seed(&users, &posts, &hasher).await?;

    let secret = SecretKey::parse("preview secret, at least thirty-two bytes long")?;
    let ports = wiring::Ports {
        users: users.clone(),
        posts: posts.clone(),
        timelines: posts,
        hasher,
        outbox: outbox.clone(),
        sessions: Arc::new(microblog_testkit::InMemorySessions::new(users.clone())),
    };
    let wired = wiring::Wired {
        alerts_outbox: outbox,
        readiness: Arc::new(SwitchableReadiness::default()),
        per_page: 5,
    };
    let services = wiring::services(&ports, &wired, &secret);
    let mut config = WebConfig::new(secret);
    config.rate_limit_per_minute = 0;
    let mut router = app(services, config)?;
    if let Ok(name) = std::env::var("PREVIEW_AS") {
        let cookie = log_in(router.clone(), &name).await?;
        router = router.layer(axum::middleware::map_request(
            move |mut request: Request| {
                let cookie = cookie.clone();
                async move {
                    if !request.headers().contains_key(header::COOKIE) {
                        request.headers_mut().insert(header::COOKIE, cookie);
                    }
                    request
                }
            },
        ));
    }
    let address = std::env::var("PREVIEW_ADDR").unwrap_or_else(|_| "127.0.0.1:5055".to_owned());
    let listener = tokio::net::TcpListener::bind(address).await?;
    println!("preview on http://{}", listener.local_addr()?);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .await?;
    Ok(())
}

async fn seed(
    users: &InMemoryUsers,
    posts: &InMemoryPosts,
    hasher: &Argon2Hasher,
) -> Result<(), Box<dyn std::error::Error>> {
    let now = OffsetDateTime::now_utc();
    let hash = hasher.hash(&Password::parse(PASSWORD)?).await?;
    let people = [
        (
            "susan",
            "susan@example.com",
            "Rustacean, tea drinker, occasional cyclist.",
        ),
        (
            "john",
            "john@example.com",
            "Writing about distributed systems and bread.",
        ),
        ("mary", "mary@example.com", ""),
    ];
    let mut ids = Vec::new();
    for (name, email, about) in people {
        let user = users
            .create(NewUser {
                username: Username::parse(name)?,
                email: EmailAddress::parse(email)?,
                password_hash: hash.clone(),
                created_at: now - time::Duration::days(40),
            })
            .await
            .map_err(|e| e.to_string())?;
        users
            .update_profile(user.id, &user.username, &AboutMe::parse(about)?)
            .await
            .map_err(|e| e.to_string())?;
        ids.push(user.id);
    }
    let lines = [
        (
            1,
            3,
            "Just shipped the password reset flow. Links now die after one use.",
        ),
        (
            2,
            40,
            "Beautiful day in Portland! <b>Not bold</b>, because escaping works.",
        ),
        (0, 90, "The Avengers movie was so cool!"),
        (
            1,
            60 * 5,
            "Hot take: 140 characters is plenty for anything worth saying.",
        ),
        (
            0,
            60 * 26,
            "Reading the Flask Mega-Tutorial again, this time in Rust.",
        ),
        (2, 60 * 24 * 3, "First post!"),
        (1, 60 * 24 * 45, "An old post from last month."),
    ];
    for (who, minutes_ago, text) in lines {
        let at = now - time::Duration::minutes(minutes_ago);
        posts.create(ids[who], &PostBody::parse(text)?, at).await?;
    }
    posts.follow(ids[0], ids[1]).await?;
    posts.follow(ids[2], ids[0]).await?;
    Ok(())
}

/// Logs `name` in through the real login form, returning the session cookie.
async fn log_in(
    router: axum::Router,
    name: &str,
) -> Result<HeaderValue, Box<dyn std::error::Error>> {
    let peer = SocketAddr::from(([127, 0, 0, 1], 1));
    let mut request = Request::get(microblog_routes::LOGIN.path()).body(Body::empty())?;
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    let response = router.clone().oneshot(request).await?;
    let cookie = session_cookie(response.headers()).ok_or("no session cookie")?;
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let body = String::from_utf8(body.to_vec())?;
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker).ok_or("no CSRF field")? + marker.len();
    let token = &body[start..start + 40];
    let form = format!(
        "username={name}&password={}&csrf_token={token}",
        PASSWORD.replace(' ', "+")
    );
    let mut request = Request::post(microblog_routes::LOGIN.path())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(form))?;
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    let response = router.oneshot(request).await?;
    Ok(session_cookie(response.headers()).ok_or("login failed")?)
}

fn session_cookie(headers: &axum::http::HeaderMap) -> Option<HeaderValue> {
    let set = headers.get(header::SET_COOKIE)?.to_str().ok()?;
    HeaderValue::from_str(set.split(';').next()?).ok()
}
