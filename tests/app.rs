//! Whole-application tests: the real `microblog` binary on a random port, a fresh database,
//! the testkit's SMTP sink as its mail server, and an HTTP client with a cookie jar.

mod app {
    mod blog;
    mod change_email;
    mod cluster;
    mod confirmation;
    mod harness;
    mod hostile_load;
    mod links_at_send_time;
    mod lockout;
    mod mail_outage;
    mod metrics;
    mod operations;
    mod outbox_commands;
    mod outbox_leases;
    mod relays;
    mod reset_flow;
    mod reset_links;
    mod reset_security;
    mod sessions;
    mod text_safety;
    mod web_security;
}
