//! The benchmark's ceiling: the smallest axum server, answering "Hello, World!" on `/`.
//!
//! Built and driven by `cargo xtask bench` exactly like the product, so each page's
//! requests/s can be read as a fraction of what axum on this machine can do at all.

use axum::{Router, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let bind = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let listener = tokio::net::TcpListener::bind(&bind).await?;
    println!("hello ceiling running on http://{}", listener.local_addr()?);
    let app = Router::new().route("/", get(|| async { "Hello, World!" }));
    axum::serve(listener, app).await
}
