//! Seeding the benchmark database through the application's own services.

use microblog_crypto::{Argon2Hasher, HashLimits};
use microblog_domain::UserId;
use microblog_domain::ports::SystemClock;
use microblog_domain::services::{Blog, RegisterCommand, Registration};
use microblog_domain::values::{EmailAddress, Password, PostBody, Username};
use microblog_store::Database;
use std::sync::Arc;

pub const PASSWORD: &str = "benchmark password";

/// How big the seeded world is.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub users: usize,
    pub posts_per_user: usize,
    pub follows_per_user: usize,
}

pub fn username(i: usize) -> String {
    format!("user{i:04}")
}

pub fn email(i: usize) -> String {
    format!("user{i:04}@bench.example")
}

/// Registers users (Argon2id with the production parameters), makes each follow the next
/// `follows_per_user`, and has each write `posts_per_user` posts.
pub async fn seed(database: &Database, size: Size) -> anyhow::Result<()> {
    let clock = Arc::new(SystemClock);
    let users = Arc::new(database.users());
    let registration = Registration::new(
        users.clone(),
        Arc::new(Argon2Hasher::owasp(HashLimits {
            queue: 1024,
            ..HashLimits::for_this_machine()
        })),
        clock.clone(),
    );
    let blog = Blog::new(
        users,
        Arc::new(database.posts()),
        Arc::new(database.timelines()),
        clock,
        25,
    );
    let mut ids = Vec::with_capacity(size.users);
    for chunk in (0..size.users).collect::<Vec<_>>().chunks(64) {
        let mut tasks = tokio::task::JoinSet::new();
        for &i in chunk {
            let registration = registration.clone();
            tasks.spawn(async move {
                let command = RegisterCommand {
                    username: Username::parse(&username(i))?,
                    email: EmailAddress::parse(&email(i))?,
                    password: Password::parse(PASSWORD)?,
                };
                anyhow::Ok((i, registration.register(command).await?.id))
            });
        }
        while let Some(done) = tasks.join_next().await {
            ids.push(done??);
        }
    }
    ids.sort();
    let ids: Vec<UserId> = ids.into_iter().map(|(_, id)| id).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..4 {
        let (blog, ids) = (blog.clone(), ids.clone());
        tasks.spawn(async move {
            for (i, id) in ids.iter().enumerate().skip(worker).step_by(4) {
                for k in 1..=size.follows_per_user {
                    let followed = Username::parse(&username((i + k) % ids.len()))?;
                    blog.follow(*id, &followed).await?;
                }
                for n in 0..size.posts_per_user {
                    let body = PostBody::parse(&format!(
                        "Post {n} of {}: benchmarks are a feature.",
                        username(i)
                    ))?;
                    blog.post(*id, body).await?;
                }
            }
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(())
}
