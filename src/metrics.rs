//! `METRICS_BIND`: Prometheus metrics on a listener of their own, off when unset.
//!
//! The domain, the web layer and the hashing pool count through the `metrics` facade (as
//! they log through `tracing`); this module installs the Prometheus recorder behind it,
//! reads the gauges that live in the database when scraped, and serves `GET /metrics`.

use anyhow::Context as _;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use microblog_store::Database;
use std::net::SocketAddr;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Request durations, in seconds: from a cached page to a queued Argon2 hash.
const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histograms are folded in even when nobody scrapes (keeps memory flat).
const UPKEEP: Duration = Duration::from_secs(5);

/// The installed recorder and what the scrape reads from the database.
#[derive(Clone)]
struct Exporter {
    handle: PrometheusHandle,
    database: Database,
}

/// Installs the Prometheus recorder for this process. From then on every count made through
/// the `metrics` facade is kept.
///
/// # Errors
/// A recorder is already installed, or the buckets are refused.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".to_owned()),
            DURATION_BUCKETS,
        )
        .context("invalid histogram buckets")?
        .install_recorder()
        .context("could not install the metrics recorder")
}

/// Binds `bind` and serves `GET /metrics` until `shutdown`.
///
/// # Errors
/// The address cannot be bound.
pub async fn serve(
    bind: SocketAddr,
    handle: PrometheusHandle,
    database: Database,
    shutdown: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("could not listen on METRICS_BIND {bind}"))?;
    let local = listener.local_addr().context("no local address")?;
    tracing::info!(address = %local, "Prometheus metrics on http://{local}/metrics");
    let upkeep = handle.clone();
    let stop_upkeep = shutdown.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = stop_upkeep.cancelled() => break,
                () = tokio::time::sleep(UPKEEP) => upkeep.run_upkeep(),
            }
        }
    });
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Exporter { handle, database });
    Ok(tokio::spawn(async move {
        let stopped = shutdown.clone();
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stopped.cancelled().await })
            .await
        {
            tracing::error!(%error, "the metrics listener failed");
        }
    }))
}

async fn scrape(State(exporter): State<Exporter>) -> Response {
    record_database_gauges(&exporter.database).await;
    exporter.handle.run_upkeep();
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        exporter.handle.render(),
    )
        .into_response()
}

/// The gauges whose truth is in the database, read at scrape time: mail by outbox state and
/// the connections of this process's pool.
async fn record_database_gauges(database: &Database) {
    match database.outbox_counts().await {
        Ok(counts) => {
            for (state, count) in [
                ("queued", counts.queued),
                ("sending", counts.sending),
                ("sent", counts.sent),
                ("dead", counts.dead),
            ] {
                metrics::gauge!("outbox_mails", "state" => state).set(count as f64);
            }
        }
        Err(error) => tracing::warn!(%error, "metrics: could not count the outbox"),
    }
    let pool = database.pool_usage();
    metrics::gauge!("database_connections", "state" => "in_use").set(f64::from(pool.in_use));
    metrics::gauge!("database_connections", "state" => "idle").set(f64::from(pool.idle));
}
