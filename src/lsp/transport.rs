//! JSON-RPC frames over any pair of byte streams. Unlike a plain frame reader, a client's
//! mistake (a bad header, a body that is not UTF-8 or not JSON-RPC) skips that frame and
//! is reported to the main loop, instead of ending the session.

use std::io::{BufRead, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::Message;

/// The largest frame read (a 512 MiB ledger opened in the editor, with room to spare).
const MAX_FRAME: usize = 1 << 30;

/// What the reader hands the main loop.
#[derive(Debug)]
pub enum Incoming {
    /// A well-formed message.
    Message(Message),
    /// A frame that was skipped, and why.
    Malformed(String),
}

/// The two ends of a session, and the thread writing to the client.
pub struct Transport {
    /// Messages to the client.
    pub sender: Sender<Message>,
    /// What the client sent.
    pub receiver: Receiver<Incoming>,
    /// Ends once `sender` and its clones are dropped and everything sent is written.
    pub writer: JoinHandle<()>,
}

/// Starts reading `input` and writing `output` on threads of their own.
pub fn spawn(
    mut input: impl BufRead + Send + 'static,
    mut output: impl Write + Send + 'static,
) -> std::io::Result<Transport> {
    let (in_tx, in_rx) = crossbeam_channel::unbounded();
    let (out_tx, out_rx) = crossbeam_channel::unbounded::<Message>();
    std::thread::Builder::new()
        .name("camplint-lsp-reader".into())
        .spawn(move || loop {
            let item = match read_frame(&mut input) {
                Ok(None) | Err(_) => break,
                Ok(Some(Ok(text))) => match serde_json::from_str::<Message>(&text) {
                    Ok(m) => Incoming::Message(m),
                    Err(e) => Incoming::Malformed(format!("not a JSON-RPC message ({e})")),
                },
                Ok(Some(Err(why))) => Incoming::Malformed(why),
            };
            let exit =
                matches!(&item, Incoming::Message(Message::Notification(n)) if n.method == "exit");
            if in_tx.send(item).is_err() || exit {
                break;
            }
        })?;
    let writer = std::thread::Builder::new()
        .name("camplint-lsp-writer".into())
        .spawn(move || {
            for m in out_rx {
                if m.write(&mut output).is_err() {
                    break;
                }
            }
        })?;
    Ok(Transport {
        sender: out_tx,
        receiver: in_rx,
        writer,
    })
}

/// Reads one frame: `Ok(None)` at the end of the input, `Ok(Some(Err(why)))` for a frame
/// to skip, `Err` when the input itself fails.
fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Result<String, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut any = false;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if any {
                break;
            }
            // Blank lines between frames are noise, not a frame.
            continue;
        }
        any = true;
        if let Some((name, value)) = text.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
                );
            }
        }
    }
    let length = match length {
        None => return Ok(Some(Err("a frame without Content-Length".to_string()))),
        Some(Err(why)) => return Ok(Some(Err(why))),
        Some(Ok(n)) if n > MAX_FRAME => {
            // Skip the body so the next frame is read from its start.
            std::io::copy(&mut input.take(n as u64), &mut std::io::sink())?;
            return Ok(Some(Err(format!("a frame of {n} bytes is too large"))));
        }
        Some(Ok(n)) => n,
    };
    let mut body = Vec::with_capacity(length.min(1 << 20));
    input.take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(None);
    }
    Ok(Some(
        String::from_utf8(body).map_err(|e| format!("a frame that is not UTF-8 ({e})")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_frames_are_skipped_and_the_next_one_is_read() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let mut input: Vec<u8> = Vec::new();
        input.extend_from_slice(b"Content-Type: x\r\n\r\n");
        input.extend_from_slice(b"Content-Length: 2\r\n\r\n\xff\xfe");
        input.extend_from_slice(format!("Content-Length: {}\r\n\r\n{good}", good.len()).as_bytes());
        let mut r = std::io::Cursor::new(input);
        assert!(matches!(read_frame(&mut r), Ok(Some(Err(_)))));
        assert!(matches!(read_frame(&mut r), Ok(Some(Err(_)))));
        assert_eq!(
            read_frame(&mut r).ok().flatten(),
            Some(Ok(good.to_string()))
        );
        assert!(matches!(read_frame(&mut r), Ok(None)));
    }
}
