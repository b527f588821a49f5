//! Bounded reading: command lines and DATA content never grow past their limits.

use std::io;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The longest command line accepted, CRLF included (RFC 5321 says 512; AUTH lines with
/// base64 credentials and SMTPUTF8 addresses need more).
pub(super) const MAX_COMMAND_LINE: usize = 2048;
/// DATA is read in chunks of at most this many bytes; a longer line is read in pieces.
const DATA_CHUNK: usize = 16 * 1024;
/// How long a client may stay silent before the sink hangs up (RFC 5321: 5 minutes).
pub(super) const IDLE_TIMEOUT: Duration = Duration::from_secs(300);

/// What one bounded read produced.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line {
    /// A line ending in LF is in the buffer.
    Complete,
    /// `limit` bytes arrived without an LF.
    TooLong,
    /// The client closed the connection (a partial line may be in the buffer).
    Closed,
}

/// Reads up to and including the next LF, at most `limit` bytes, into `buf` (cleared first).
///
/// # Errors
/// The connection failed, or the client stayed silent for [`IDLE_TIMEOUT`] (`TimedOut`).
pub(super) async fn read_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut bounded = (&mut *reader).take(limit as u64);
    let read = bounded.read_until(b'\n', buf);
    let n = tokio::time::timeout(IDLE_TIMEOUT, read)
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "client idle"))??;
    Ok(if buf.last() == Some(&b'\n') {
        Line::Complete
    } else if n >= limit {
        Line::TooLong
    } else {
        Line::Closed
    })
}

/// How a DATA section ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Data {
    /// The final dot arrived; the content, un-dot-stuffed, is inside.
    Complete(Vec<u8>),
    /// The content passed the size limit (the rest was not read).
    TooBig,
    /// The client hung up before the final dot.
    Closed,
}

/// Reads DATA content up to the line holding a single dot, removing dot-stuffing (a leading
/// dot is doubled by the client on lines that start with one). Bare LF line ends are accepted.
///
/// # Errors
/// The connection failed or went idle.
pub(super) async fn read_data<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    max_size: usize,
) -> io::Result<Data> {
    let mut content = Vec::new();
    let mut chunk = Vec::with_capacity(1024);
    let mut at_line_start = true;
    loop {
        let outcome = read_line(reader, &mut chunk, DATA_CHUNK).await?;
        if outcome == Line::Closed {
            return Ok(Data::Closed);
        }
        if at_line_start && (chunk == b".\r\n" || chunk == b".\n") {
            return Ok(Data::Complete(content));
        }
        let unstuffed = if at_line_start && chunk.first() == Some(&b'.') {
            &chunk[1..]
        } else {
            &chunk[..]
        };
        if content.len() + unstuffed.len() > max_size {
            return Ok(Data::TooBig);
        }
        content.extend_from_slice(unstuffed);
        at_line_start = outcome == Line::Complete;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::BufReader;

    async fn data(input: &[u8], max: usize) -> Data {
        let mut reader = BufReader::new(input);
        read_data(&mut reader, max)
            .await
            .expect("in-memory reads do not fail")
    }

    #[tokio::test]
    async fn dot_stuffing_is_removed_and_the_final_dot_ends_the_data() {
        let got = data(b"Subject: x\r\n\r\n..hidden\r\n.\r\nQUIT\r\n", 1000).await;
        assert_eq!(
            got,
            Data::Complete(b"Subject: x\r\n\r\n.hidden\r\n".to_vec())
        );
    }

    #[tokio::test]
    async fn a_dot_inside_a_line_is_content() {
        let got = data(b"a.\r\nb .\r\n.\r\n", 1000).await;
        assert_eq!(got, Data::Complete(b"a.\r\nb .\r\n".to_vec()));
    }

    #[tokio::test]
    async fn a_long_line_is_read_in_pieces_without_mistaking_a_dot_for_the_end() {
        let mut input = vec![b'x'; DATA_CHUNK];
        input.extend_from_slice(b".\r\n.\r\n");
        let got = data(&input, 100_000).await;
        let mut expected = vec![b'x'; DATA_CHUNK];
        expected.extend_from_slice(b".\r\n");
        assert_eq!(got, Data::Complete(expected));
    }

    #[tokio::test]
    async fn content_over_the_limit_is_too_big() {
        assert_eq!(data(b"0123456789\r\n.\r\n", 8).await, Data::TooBig);
        assert!(matches!(
            data(b"0123456\r\n.\r\n", 9).await,
            Data::Complete(_)
        ));
    }

    #[tokio::test]
    async fn a_client_that_hangs_up_mid_data_is_closed() {
        assert_eq!(data(b"Subject: x\r\n\r\nbody", 1000).await, Data::Closed);
    }

    #[tokio::test]
    async fn a_command_line_without_end_is_too_long() {
        let input = vec![b'A'; MAX_COMMAND_LINE + 10];
        let mut reader = BufReader::new(&input[..]);
        let mut buf = Vec::new();
        let got = read_line(&mut reader, &mut buf, MAX_COMMAND_LINE).await;
        assert_eq!(got.expect("in-memory"), Line::TooLong);
        assert_eq!(buf.len(), MAX_COMMAND_LINE);
    }
}
