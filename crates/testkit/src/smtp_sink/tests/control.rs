//! What tests steer: faults, delays, restarts, waiting, capacity, load.

use super::{Client, SOON, kept_subjects, simple_message};
use crate::smtp_sink::{Fault, SmtpSink};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_fault_limited_to_once_strikes_the_next_recipient_only() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_with(Fault::rcpt(550, "5.1.1 No such user").times(1));
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    client.expect("MAIL FROM:<a@example.com>", 250).await;
    let text = client.expect("RCPT TO:<ghost@example.com>", 550).await;
    assert_eq!(text, "5.1.1 No such user");
    client.expect("RCPT TO:<b@example.com>", 250).await;
}

#[tokio::test]
async fn an_unlimited_fault_strikes_until_cleared() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_with(Fault::mail(451, "4.3.0 Try later"));
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    for _ in 0..3 {
        client.expect("MAIL FROM:<a@example.com>", 451).await;
    }
    sink.clear_faults();
    client.expect("MAIL FROM:<a@example.com>", 250).await;
}

#[tokio::test]
async fn a_fault_after_the_content_discards_the_message() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_with(Fault::message(451, "4.3.0 Queue full").times(1));
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    assert_eq!(client.send_simple("first", "x").await, 451);
    assert_eq!(sink.received_total(), 0);
    assert_eq!(client.send_simple("second", "x").await, 250);
    assert_eq!(kept_subjects(&sink), ["second"]);
}

#[tokio::test]
async fn a_connect_fault_refuses_the_greeting_and_hangs_up() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_with(Fault::connect(421, "4.3.2 Service not available").times(1));
    let mut client = Client::connect_raw(&sink).await;
    assert_eq!(client.read_reply().await.0, 421);
    assert_eq!(client.read_reply().await.0, 0);
    let _ = Client::connect(&sink).await;
}

#[tokio::test]
async fn a_data_fault_refuses_before_the_content() {
    let sink = SmtpSink::start().await.expect("sink");
    sink.fail_with(Fault::data(554, "5.7.1 Rejected").times(1));
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    client.expect("MAIL FROM:<a@example.com>", 250).await;
    client.expect("RCPT TO:<b@example.com>", 250).await;
    client.expect("DATA", 554).await;
    client.expect("DATA", 354).await;
}

#[tokio::test]
async fn a_delay_slows_every_reply() {
    let sink = SmtpSink::start().await.expect("sink");
    let mut client = Client::connect(&sink).await;
    sink.set_delay(Duration::from_millis(300));
    let started = Instant::now();
    client.expect("NOOP", 250).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    sink.set_delay(Duration::ZERO);
    let started = Instant::now();
    client.expect("NOOP", 250).await;
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn after_shutdown_the_port_refuses_and_a_new_sink_can_take_it() {
    let sink = SmtpSink::start_restartable().await.expect("sink");
    let port = sink.port();
    let mut open = Client::connect(&sink).await;
    sink.shutdown().await;
    assert_eq!(open.read_reply().await.0, 0, "open connections are closed");
    let refused = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
    assert!(refused.is_err(), "nothing listens after shutdown");

    let sink = SmtpSink::start_on(port).await.expect("same port again");
    assert_eq!(sink.port(), port);
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
}

#[tokio::test]
async fn waiting_returns_a_message_that_arrives_later_or_none_at_the_deadline() {
    let sink = SmtpSink::start().await.expect("sink");
    let none = sink
        .wait_for_message("b@example.com", Duration::from_millis(100))
        .await;
    assert_eq!(none, None);

    let addr = sink.addr();
    let sender = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let mut client = Client {
            io: tokio::io::BufReader::new(stream),
        };
        assert_eq!(client.read_reply().await.0, 220);
        client.expect("EHLO client.example", 250).await;
        client
            .transaction(
                "a@example.com",
                &["b@example.com"],
                &simple_message("late", "x"),
            )
            .await
    });
    let message = sink.wait_for_message("b@example.com", SOON).await;
    assert_eq!(message.and_then(|m| m.subject).as_deref(), Some("late"));
    assert_eq!(sender.await.expect("sender task"), 250);
    assert!(sink.wait_for_total(1, SOON).await);
    assert!(!sink.wait_for_total(2, Duration::from_millis(50)).await);
}

#[tokio::test]
async fn beyond_capacity_the_oldest_messages_go_and_clear_forgets_the_rest() {
    let sink = SmtpSink::builder().capacity(2).start().await.expect("sink");
    let mut live = sink.subscribe();
    let mut client = Client::connect(&sink).await;
    client.expect("EHLO client.example", 250).await;
    for subject in ["one", "two", "three"] {
        assert_eq!(client.send_simple(subject, "x").await, 250);
    }
    assert_eq!(kept_subjects(&sink), ["two", "three"]);
    assert_eq!(sink.received_total(), 3);
    let first = live.recv().await.expect("live feed");
    assert_eq!(first.subject.as_deref(), Some("one"));
    sink.clear();
    assert!(sink.messages().is_empty());
    assert_eq!(sink.received_total(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_clients_all_get_their_messages_through() {
    let sink = SmtpSink::start().await.expect("sink");
    let clients = 50;
    let per_client = 20;
    let mut tasks = Vec::new();
    for c in 0..clients {
        let addr = sink.addr();
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let mut client = Client {
                io: tokio::io::BufReader::new(stream),
            };
            assert_eq!(client.read_reply().await.0, 220);
            client.expect("EHLO client.example", 250).await;
            for m in 0..per_client {
                let to = format!("user{c}@example.com");
                let content = simple_message(&format!("{c}-{m}"), "x");
                assert_eq!(
                    client.transaction("a@example.com", &[&to], &content).await,
                    250
                );
            }
        }));
    }
    for task in tasks {
        task.await.expect("client task");
    }
    assert_eq!(sink.received_total(), clients * per_client);
    assert_eq!(sink.messages_to("user7@example.com").len(), 20);
    assert_eq!(sink.connections_total(), clients);
}
