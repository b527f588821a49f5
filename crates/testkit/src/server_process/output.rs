//! A started program's output: one thread per stream reads it line by line, hands each line
//! to where [`Output`] says, and reports the first line that makes the program [`Ready`].

use super::{Output, Ready, lock};
use std::fs::File;
use std::io::{BufRead as _, BufReader, Read, Write as _};
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use tokio::sync::mpsc::UnboundedSender;

/// What `microblog serve` (and the bench's `hello`) print once they listen, before the
/// address.
const ADDRESS_MARKER: &str = "running on http://";

/// Where one stream's lines go.
type LineSink = Box<dyn FnMut(&str) + Send>;

/// The text that means ready (for error messages), or `None` when nothing is awaited.
pub(super) fn awaited(ready: &Ready) -> Option<&str> {
    match ready {
        Ready::Address => Some(ADDRESS_MARKER),
        Ready::Line(text) => Some(text),
        Ready::Started => None,
    }
}

/// What `line` says about readiness: the address for [`Ready::Address`], an empty string
/// for a matching [`Ready::Line`], `None` when it says nothing.
pub(super) fn readiness(ready: &Ready, line: &str) -> Option<String> {
    match ready {
        Ready::Address => line.split(ADDRESS_MARKER).nth(1).map(|rest| {
            rest.chars()
                .take_while(|c| !c.is_whitespace() && *c != '"')
                .collect()
        }),
        Ready::Line(text) => line.contains(text.as_str()).then(String::new),
        Ready::Started => None,
    }
}

/// Starts the reader threads for `child`'s piped streams. `ready_tx` gets the first line
/// that makes it ready (stdout for an address, either stream for a line) and closes when
/// the streams it watches end.
pub(super) fn read(
    child: &mut Child,
    output: Output,
    logs: &Arc<Mutex<Vec<String>>>,
    ready: &Ready,
    ready_tx: UnboundedSender<String>,
) -> Vec<JoinHandle<()>> {
    let (stdout_sink, stderr_sink): (LineSink, Option<LineSink>) = match output {
        Output::Memory => (keep(logs), Some(keep(logs))),
        Output::File(file) => {
            let file = Arc::new(Mutex::new(file));
            (write(&file), Some(write(&file)))
        }
        Output::Stdout(function) => (function, None),
    };
    let mut readers = Vec::new();
    if let (Some(stderr), Some(sink)) = (child.stderr.take(), stderr_sink) {
        let watch = matches!(ready, Ready::Line(_)).then(|| ready_tx.clone());
        readers.push(spawn(stderr, sink, ready.clone(), watch));
    }
    if let Some(stdout) = child.stdout.take() {
        readers.push(spawn(stdout, stdout_sink, ready.clone(), Some(ready_tx)));
    }
    readers
}

fn keep(logs: &Arc<Mutex<Vec<String>>>) -> LineSink {
    let logs = Arc::clone(logs);
    Box::new(move |line| lock(&logs).push(line.to_owned()))
}

fn write(file: &Arc<Mutex<File>>) -> LineSink {
    let file = Arc::clone(file);
    Box::new(move |line| {
        if let Ok(mut file) = file.lock() {
            let _ = writeln!(file, "{line}");
        }
    })
}

fn spawn(
    stream: impl Read + Send + 'static,
    mut sink: LineSink,
    ready: Ready,
    mut watch: Option<UnboundedSender<String>>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink(&line);
            if watch.is_some()
                && let Some(found) = readiness(&ready, &line)
                && let Some(tx) = watch.take()
            {
                let _ = tx.send(found);
            }
        }
    })
}
