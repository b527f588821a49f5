//! How `microblog outbox` prints: text for people, JSON for scripts.

use microblog_domain::ports::{OutboxId, OutboxRow, OutboxState, RetryOutcome};
use microblog_domain::services::OutboxStatus;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `outbox status` as a JSON object keyed by state name.
pub fn status_json(status: &OutboxStatus) -> Value {
    let mut object = serde_json::Map::new();
    for state in OutboxState::ALL {
        object.insert(
            state.as_str().to_owned(),
            status.summary.count(state).into(),
        );
    }
    object.insert(
        "oldest_queued_seconds".to_owned(),
        status.oldest_queued_seconds.into(),
    );
    object.insert(
        "next_attempt_at".to_owned(),
        status.summary.next_attempt_at.map(rfc3339).into(),
    );
    Value::Object(object)
}

/// `outbox status` as text.
pub fn status_text(status: &OutboxStatus) -> String {
    let mut text = String::new();
    for state in OutboxState::ALL {
        text += &format!("{:<8} {}\n", state.as_str(), status.summary.count(state));
    }
    text += &match status.oldest_queued_seconds {
        Some(age) => format!("oldest queued mail: waiting {age} s\n"),
        None => "oldest queued mail: none\n".to_owned(),
    };
    text += &match status.summary.next_attempt_at {
        Some(at) if at <= status.now => format!("next attempt: {} (due now)\n", rfc3339(at)),
        Some(at) => format!(
            "next attempt: {} (in {} s)\n",
            rfc3339(at),
            (at - status.now).whole_seconds()
        ),
        None => "next attempt: none\n".to_owned(),
    };
    text
}

/// `outbox list` as a JSON array.
pub fn rows_json(rows: &[OutboxRow]) -> Value {
    rows.iter()
        .map(|row| {
            json!({
                "id": row.id.0,
                "kind": row.kind,
                "recipients": row.recipients,
                "attempts": row.attempts,
                "last_error": row.last_error,
                "next_attempt_at": row.next_attempt_at.map(rfc3339),
                "queued_at": rfc3339(row.queued_at),
            })
        })
        .collect()
}

/// `outbox list` as text: one line per entry, errors on one line.
pub fn rows_text(state: OutboxState, rows: &[OutboxRow]) -> String {
    if rows.is_empty() {
        return format!("no {state} mail\n");
    }
    let mut text = String::new();
    for row in rows {
        text += &format!(
            "#{} {} to {} | attempts {} | queued {}",
            row.id.0,
            row.kind,
            row.recipients.join(", "),
            row.attempts,
            rfc3339(row.queued_at)
        );
        if let Some(at) = row.next_attempt_at {
            text += &format!(" | next attempt {}", rfc3339(at));
        }
        if let Some(error) = &row.last_error {
            text += &format!(" | last error: {}", one_line(error));
        }
        text.push('\n');
    }
    text
}

/// Why an id was not retried, for people.
pub fn refusal(id: OutboxId, outcome: RetryOutcome) -> Option<String> {
    match outcome {
        RetryOutcome::Requeued => None,
        RetryOutcome::NotFound => Some(format!("outbox entry {} does not exist", id.0)),
        RetryOutcome::NotRetryable(OutboxState::Sending) => Some(format!(
            "outbox entry {} is being sent right now; not retried",
            id.0
        )),
        RetryOutcome::NotRetryable(state) => Some(format!(
            "outbox entry {} is {state}, not dead; not retried",
            id.0
        )),
    }
}

/// `outbox retry ID...` as JSON: what happened to each id.
pub fn retry_json(outcomes: &[(OutboxId, RetryOutcome)]) -> Value {
    let entries: Vec<Value> = outcomes
        .iter()
        .map(|&(id, outcome)| {
            let (result, state) = match outcome {
                RetryOutcome::Requeued => ("requeued", Some(OutboxState::Queued)),
                RetryOutcome::NotFound => ("not_found", None),
                RetryOutcome::NotRetryable(state) => ("not_retryable", Some(state)),
            };
            json!({"id": id.0, "result": result, "state": state.map(OutboxState::as_str)})
        })
        .collect();
    let requeued = outcomes
        .iter()
        .filter(|(_, outcome)| *outcome == RetryOutcome::Requeued)
        .count();
    json!({"requeued": requeued, "entries": entries})
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

/// Control characters (an SMTP reply's line breaks) shown as spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
