//! Splits an npm publish document into its JSON and its attachments, while streaming.
//!
//! `npm publish` sends `PUT /npm/{name}` with one JSON document that carries the tarball
//! base64-encoded in `_attachments.<file name>.data`, tens of megabytes of it. Parsing that
//! into a `serde_json::Value` would hold the text and then the decoded tarball, both whole.
//! [`split`] instead reads the body once: a small lexer follows the JSON structure, copies
//! every byte into an in-memory buffer *except* the contents of those `data` strings, which
//! it base64-decodes piece by piece straight into a writer the caller supplies (a staging
//! file), writing `""` into the buffer in their place. The buffer, now small, is then parsed
//! by `serde_json`, which validates everything the lexer did not need to check.
//!
//! The lexer decides what is an attachment from the structure alone: only a string that is
//! the value of key `data` in an object that is a value of the top-level object's
//! `_attachments` object is diverted. Keys are compared after decoding their escapes, as
//! `serde_json` will see them, so `"_attachment\u0073"` is the same key and a `"data"` inside
//! another string, or an `_attachments` key deeper in the document, is just text.
//!
//! Every cap is enforced while reading: the buffer never grows past
//! [`Limits::max_json_bytes`], no sink receives more than [`Limits::max_attachment_bytes`],
//! and nothing more is read once a cap is hit.

use std::io::{self, Read, Write};

use base64::{DecodeError, DecodeSliceError, Engine as _, engine::general_purpose::STANDARD};

/// How deep arrays and objects may nest, the top-level object counting as 1.
///
/// A publish document is a few levels deep; the cap keeps a hostile one from making
/// `serde_json` (which recurses) or this module's stack of containers work for nothing.
pub const MAX_DEPTH: usize = 64;

/// How many bytes of the body are read at a time.
const READ_CHUNK: usize = 16 * 1024;

/// How many base64 characters are gathered before decoding them in one call (a multiple
/// of 4, so whole groups are decoded no matter how the reads were cut).
const DECODE_CHUNK: usize = 48 * 1024;

/// The caps a document is held to while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The document without its attachments' data, in bytes as sent (default 1 MiB).
    pub max_json_bytes: usize,
    /// Each attachment, decoded (default 64 MiB).
    pub max_attachment_bytes: u64,
    /// How many entries `_attachments` may have (default 1: `npm publish` sends one).
    pub max_attachments: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_json_bytes: 1024 * 1024,
            max_attachment_bytes: 64 * 1024 * 1024,
            max_attachments: 1,
        }
    }
}

/// A document split by [`split`].
#[derive(Debug)]
pub struct Split<W> {
    /// The whole document, with every attachment's `data` replaced by `""`.
    pub document: serde_json::Value,
    /// The attachments, in the order they appeared.
    pub attachments: Vec<Attachment<W>>,
}

/// One attachment, decoded into its sink.
#[derive(Debug)]
pub struct Attachment<W> {
    /// Its key in `_attachments`, escapes decoded. Untrusted: check it before using it
    /// in a path.
    pub name: String,
    /// Decoded bytes written to the sink.
    pub size: u64,
    /// The writer the sink factory returned for it, flushed, given back so the caller can
    /// keep what it wrote (a temporary file would vanish if it were dropped here).
    pub sink: W,
}

/// Why a document was refused.
///
/// [`DocumentError::is_too_large`] tells the size caps (HTTP 413) from the rest: the
/// client's mistakes (400), except [`DocumentError::Read`] and [`DocumentError::Sink`],
/// which are I/O failures on either side. Too many attachments is a malformed publish
/// (npm sends one), not a size: 400.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Reading the body failed.
    #[error("could not read the document")]
    Read(#[source] io::Error),
    /// Creating, writing or flushing an attachment's sink failed.
    #[error("could not store the attachment {name:?}")]
    Sink {
        name: String,
        #[source]
        source: io::Error,
    },
    /// The body ended before the document did (an empty body included).
    #[error("the document is truncated")]
    Truncated,
    /// The lexer met something that is not JSON, or a top level that is not an object.
    #[error("the document is not valid JSON: {reason} at byte {offset}")]
    Syntax { offset: u64, reason: &'static str },
    /// `serde_json` refused the document, e.g. a malformed number. Its line and column
    /// count in the document without its attachments' data. Shown, not a source: it is
    /// the whole explanation the client gets.
    #[error("the document is not valid JSON: {0}")]
    Parse(serde_json::Error),
    /// Arrays and objects nest deeper than [`MAX_DEPTH`].
    #[error("the document nests deeper than {limit} levels")]
    TooDeep { limit: usize },
    /// The document without its attachments' data is over [`Limits::max_json_bytes`].
    #[error("the document is larger than the limit of {limit} bytes (attachments excluded)")]
    JsonTooLarge { limit: usize },
    /// An attachment decodes to more than [`Limits::max_attachment_bytes`].
    #[error("the attachment {name:?} is larger than the limit of {limit} bytes")]
    AttachmentTooLarge { name: String, limit: u64 },
    /// `_attachments` has more than [`Limits::max_attachments`] entries.
    #[error("the document has more than {limit} attachments")]
    TooManyAttachments { limit: usize },
    /// Two entries of `_attachments` have the same name (after decoding escapes).
    #[error("the attachment {name:?} is given twice")]
    DuplicateAttachment { name: String },
    /// An attachment's `data` is not canonical padded base64 (or holds an escape other
    /// than `\/`).
    #[error("the data of the attachment {name:?} is not valid base64: {reason}")]
    InvalidBase64 { name: String, reason: &'static str },
    /// An attachment's `data` is not a string.
    #[error("the data of the attachment {name:?} is not a string")]
    DataNotString { name: String },
    /// An entry of `_attachments` is not an object, has no `data`, or has it twice.
    #[error("the attachment {name:?} is malformed: {reason}")]
    MalformedAttachment { name: String, reason: &'static str },
    /// `_attachments` is not an object, or is given twice.
    #[error("_attachments is malformed: {reason}")]
    MalformedAttachments { reason: &'static str },
}

impl DocumentError {
    /// Whether the document was refused for a size cap (an HTTP layer answers 413).
    #[must_use]
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            DocumentError::JsonTooLarge { .. } | DocumentError::AttachmentTooLarge { .. }
        )
    }
}

/// Reads a publish document from `body`, decoding each attachment's base64 `data` into the
/// writer `sink(name)` returns, and keeping the rest of the JSON in memory.
///
/// `sink` is called when an attachment's `data` string starts; the writer gets the decoded
/// bytes, is flushed when the string ends, and is handed back in [`Attachment::sink`]. On
/// an error the writers created so far are dropped, their content partial: the caller
/// discards whatever they wrote. Reads are not buffered here beyond one chunk at a time.
///
/// # Errors
/// A [`DocumentError`]: the body is not a JSON object or is truncated, a cap of `limits`
/// (or [`MAX_DEPTH`]) is exceeded, `_attachments` or one of its entries is malformed
/// (data not a string, invalid base64, duplicate names), or reading the body or writing a
/// sink failed.
pub fn split<R, W, F>(mut body: R, limits: &Limits, sink: F) -> Result<Split<W>, DocumentError>
where
    R: Read,
    W: Write,
    F: FnMut(&str) -> io::Result<W>,
{
    let mut lexer = Lexer::new(limits, sink);
    let mut chunk = vec![0; READ_CHUNK];
    loop {
        let n = match body.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(DocumentError::Read(e)),
        };
        lexer.feed(chunk.get(..n).unwrap_or(&chunk))?;
    }
    lexer.finish()
}

/// What a container means for the keys inside it.
#[derive(Debug)]
enum Role {
    /// Anything not on the path to an attachment's data.
    Other,
    /// The top-level object, where `_attachments` is looked for.
    Top,
    /// The `_attachments` object: each key names an attachment.
    Attachments,
    /// One attachment's object, where `data` is looked for.
    Entry { name: String, has_data: bool },
}

/// An open array or object.
#[derive(Debug)]
struct Frame {
    array: bool,
    role: Role,
}

/// What the value after the key just read means.
#[derive(Debug)]
enum Next {
    Other,
    Attachments,
    Entry(String),
    Data,
}

/// Where the lexer is inside a string.
#[derive(Debug, Clone, Copy)]
enum Escape {
    None,
    Backslash,
    /// Inside `\uXXXX`, `digits` read so far.
    Hex {
        digits: u8,
        value: u16,
    },
}

/// A string being read into the buffer.
#[derive(Debug)]
struct Str {
    /// An object key (else a value).
    key: bool,
    /// Its decoded text matters (a key of the top-level, `_attachments` or an entry).
    decode: bool,
    escape: Escape,
    /// A `\u` high surrogate waiting for its low half.
    high: Option<u16>,
}

/// Where the lexer is.
#[derive(Debug)]
enum State<W> {
    /// Before the top-level object.
    Start,
    /// A value is due (after `:`, or after `,` in an array).
    Value,
    /// After `[`: a value or `]`.
    FirstItem,
    /// After `{`: a key or `}`.
    FirstKey,
    /// After `,` in an object: a key.
    Key,
    /// After a key: `:`.
    Colon,
    /// After a value in a container: `,` or the closing bracket.
    AfterValue,
    /// After the top-level object: only whitespace.
    Done,
    /// Inside a string other than an attachment's data.
    Str(Str),
    /// Inside a number, `true`, `false` or `null` (`serde_json` checks which).
    Scalar,
    /// Inside an attachment's data.
    Data(Box<Decoder<W>>),
}

/// The streaming JSON splitter.
struct Lexer<'l, W, F> {
    limits: &'l Limits,
    make_sink: F,
    /// The document without its attachments' data.
    json: Vec<u8>,
    stack: Vec<Frame>,
    state: State<W>,
    next: Next,
    /// The decoded text of the key being read, when it matters.
    key: Vec<u8>,
    /// The names of `_attachments`' entries seen so far.
    names: Vec<String>,
    seen_attachments: bool,
    attachments: Vec<Attachment<W>>,
    /// Offset in the body of the byte being read, for error messages.
    offset: u64,
}

impl<'l, W, F> Lexer<'l, W, F>
where
    W: Write,
    F: FnMut(&str) -> io::Result<W>,
{
    fn new(limits: &'l Limits, make_sink: F) -> Self {
        Lexer {
            limits,
            make_sink,
            // Start small: most documents are a few KiB, and the cap may be large.
            json: Vec::with_capacity(limits.max_json_bytes.min(16 * 1024)),
            stack: Vec::new(),
            state: State::Start,
            next: Next::Other,
            key: Vec::new(),
            names: Vec::new(),
            seen_attachments: false,
            attachments: Vec::new(),
            offset: 0,
        }
    }

    /// Consumes one chunk of the body.
    fn feed(&mut self, chunk: &[u8]) -> Result<(), DocumentError> {
        let mut rest = chunk;
        while let Some(&b) = rest.first() {
            if let State::Data(decoder) = &mut self.state {
                // An attachment's data is handled a run at a time, not byte by byte: it is
                // nearly all of the body.
                let used = decoder.feed(rest, self.limits.max_attachment_bytes)?;
                rest = rest.get(used..).unwrap_or_default();
                self.offset += used as u64;
                if decoder.ended {
                    self.end_data()?;
                }
                continue;
            }
            if self.step(b)? {
                rest = rest.get(1..).unwrap_or_default();
                self.offset += 1;
            }
        }
        Ok(())
    }

    /// The document is whole: checks it ended, then parses what was kept.
    fn finish(self) -> Result<Split<W>, DocumentError> {
        if !matches!(self.state, State::Done) {
            return Err(DocumentError::Truncated);
        }
        let document = serde_json::from_slice(&self.json).map_err(DocumentError::Parse)?;
        Ok(Split {
            document,
            attachments: self.attachments,
        })
    }

    fn syntax(&self, reason: &'static str) -> DocumentError {
        DocumentError::Syntax {
            offset: self.offset,
            reason,
        }
    }

    /// Keeps one byte of the document, within the cap.
    fn emit(&mut self, b: u8) -> Result<(), DocumentError> {
        let limit = self.limits.max_json_bytes;
        let len = self.json.len();
        if len >= limit {
            return Err(DocumentError::JsonTooLarge { limit });
        }
        if len == self.json.capacity() {
            // Grow by doubling as usual, but never past the cap: the cap is the most this
            // document may cost, not half of it.
            let more = len.max(1024).min(limit - len);
            self.json.reserve_exact(more);
        }
        self.json.push(b);
        Ok(())
    }

    /// Reads one byte outside an attachment's data. Returns whether it was consumed: the
    /// byte that ends a number is read again in the state after it.
    fn step(&mut self, b: u8) -> Result<bool, DocumentError> {
        let blank = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        match self.state {
            State::Str(_) => self.string_byte(b)?,
            State::Scalar => {
                if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
                    self.value_done();
                    return Ok(false);
                }
                self.emit(b)?;
            }
            _ if blank => self.emit(b)?,
            State::Start if b == b'{' => {
                self.emit(b)?;
                self.open(false, Role::Top)?;
            }
            State::Start => return Err(self.syntax("the document is not a JSON object")),
            State::FirstItem if b == b']' => self.close(b, true)?,
            State::Value | State::FirstItem => self.begin_value(b)?,
            State::FirstKey if b == b'}' => self.close(b, false)?,
            State::FirstKey | State::Key if b == b'"' => {
                self.emit(b)?;
                let decode = self
                    .stack
                    .last()
                    .is_some_and(|frame| !matches!(frame.role, Role::Other));
                self.key.clear();
                self.state = State::Str(Str {
                    key: true,
                    decode,
                    escape: Escape::None,
                    high: None,
                });
            }
            State::FirstKey | State::Key => return Err(self.syntax("expected a key")),
            State::Colon if b == b':' => {
                self.emit(b)?;
                self.state = State::Value;
            }
            State::Colon => return Err(self.syntax("expected ':'")),
            State::AfterValue if b == b',' => {
                self.emit(b)?;
                let array = self.stack.last().is_some_and(|frame| frame.array);
                self.state = if array { State::Value } else { State::Key };
            }
            State::AfterValue if b == b']' || b == b'}' => self.close(b, b == b']')?,
            State::AfterValue => return Err(self.syntax("expected ',' or a closing bracket")),
            State::Done => return Err(self.syntax("more after the document")),
            // `feed` hands data to its decoder before calling `step`.
            State::Data(_) => return Err(self.syntax("internal: data read as JSON")),
        }
        Ok(true)
    }

    /// Starts the value whose first byte is `b`, checking it has the shape its key asks.
    fn begin_value(&mut self, b: u8) -> Result<(), DocumentError> {
        let next = std::mem::replace(&mut self.next, Next::Other);
        match (b, next) {
            (b'{', Next::Other) => {
                self.emit(b)?;
                self.open(false, Role::Other)
            }
            (b'{', Next::Attachments) => {
                self.emit(b)?;
                self.open(false, Role::Attachments)
            }
            (b'{', Next::Entry(name)) => {
                self.emit(b)?;
                self.open_entry(name)
            }
            (b'[', Next::Other) => {
                self.emit(b)?;
                self.open(true, Role::Other)
            }
            (b'"', Next::Other) => {
                self.emit(b)?;
                self.state = State::Str(Str {
                    key: false,
                    decode: false,
                    escape: Escape::None,
                    high: None,
                });
                Ok(())
            }
            (b'"', Next::Data) => self.begin_data(),
            (b'-' | b'0'..=b'9' | b't' | b'f' | b'n', Next::Other) => {
                self.emit(b)?;
                self.state = State::Scalar;
                Ok(())
            }
            (b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n', next) => {
                Err(self.misplaced(next))
            }
            _ => Err(self.syntax("expected a value")),
        }
    }

    /// The error for a value of the wrong shape where an attachment part belongs.
    fn misplaced(&self, next: Next) -> DocumentError {
        match next {
            Next::Attachments => DocumentError::MalformedAttachments {
                reason: "it is not an object",
            },
            Next::Entry(name) => DocumentError::MalformedAttachment {
                name,
                reason: "it is not an object",
            },
            Next::Data => DocumentError::DataNotString {
                name: self.entry_name().to_owned(),
            },
            // `begin_value` only calls this for the three above.
            Next::Other => self.syntax("expected a value"),
        }
    }

    /// The name of the attachment whose object is open (empty outside one).
    fn entry_name(&self) -> &str {
        match self.stack.last() {
            Some(Frame {
                role: Role::Entry { name, .. },
                ..
            }) => name,
            _ => "",
        }
    }

    fn open(&mut self, array: bool, role: Role) -> Result<(), DocumentError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(DocumentError::TooDeep { limit: MAX_DEPTH });
        }
        self.stack.push(Frame { array, role });
        self.state = if array {
            State::FirstItem
        } else {
            State::FirstKey
        };
        Ok(())
    }

    /// Opens one entry of `_attachments`, counting it against the caps.
    fn open_entry(&mut self, name: String) -> Result<(), DocumentError> {
        if self.names.contains(&name) {
            return Err(DocumentError::DuplicateAttachment { name });
        }
        let limit = self.limits.max_attachments;
        if self.names.len() >= limit {
            return Err(DocumentError::TooManyAttachments { limit });
        }
        self.names.push(name.clone());
        self.open(
            false,
            Role::Entry {
                name,
                has_data: false,
            },
        )
    }

    /// Closes the innermost container with `b` (`]` if `array`, else `}`).
    fn close(&mut self, b: u8, array: bool) -> Result<(), DocumentError> {
        match self.stack.last() {
            Some(frame) if frame.array == array => {}
            _ => return Err(self.syntax("mismatched closing bracket")),
        }
        self.emit(b)?;
        if let Some(Frame {
            role: Role::Entry {
                name,
                has_data: false,
            },
            ..
        }) = self.stack.pop()
        {
            return Err(DocumentError::MalformedAttachment {
                name,
                reason: "it has no data",
            });
        }
        self.value_done();
        Ok(())
    }

    fn value_done(&mut self) {
        self.state = if self.stack.is_empty() {
            State::Done
        } else {
            State::AfterValue
        };
    }

    /// Reads one byte of a string (not an attachment's data), decoding it if it matters.
    fn string_byte(&mut self, b: u8) -> Result<(), DocumentError> {
        let State::Str(s) = &mut self.state else {
            return Err(self.syntax("internal: not in a string"));
        };
        let (escape, decode) = (s.escape, s.decode);
        match escape {
            Escape::None if b == b'"' => {
                if decode && s.high.is_some() {
                    return Err(self.syntax("unpaired surrogate in \\u escape"));
                }
                let key = s.key;
                self.emit(b)?;
                if key {
                    self.key_done()?;
                } else {
                    self.value_done();
                }
                return Ok(());
            }
            Escape::None if b == b'\\' => s.escape = Escape::Backslash,
            Escape::None if b < 0x20 => {
                return Err(self.syntax("control character in a string"));
            }
            Escape::None => {
                if decode {
                    if s.high.is_some() {
                        return Err(self.syntax("unpaired surrogate in \\u escape"));
                    }
                    self.key.push(b);
                }
            }
            Escape::Backslash => {
                let plain = match b {
                    b'"' | b'\\' | b'/' => b,
                    b'b' => 0x08,
                    b'f' => 0x0c,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'u' => {
                        s.escape = Escape::Hex {
                            digits: 0,
                            value: 0,
                        };
                        return self.emit(b);
                    }
                    _ => return Err(self.syntax("invalid escape")),
                };
                s.escape = Escape::None;
                if decode {
                    if s.high.is_some() {
                        return Err(self.syntax("unpaired surrogate in \\u escape"));
                    }
                    self.key.push(plain);
                }
            }
            Escape::Hex { digits, value } => {
                let Some(digit) = char::from(b).to_digit(16) else {
                    return Err(self.syntax("invalid \\u escape"));
                };
                // Four hex digits fit in a u16 by construction.
                let value = (value << 4) | digit as u16;
                if digits < 3 {
                    s.escape = Escape::Hex {
                        digits: digits + 1,
                        value,
                    };
                } else {
                    s.escape = Escape::None;
                    if decode {
                        self.code_unit(value)?;
                    }
                }
            }
        }
        self.emit(b)
    }

    /// Decodes one `\uXXXX` of a key that matters, pairing surrogates.
    fn code_unit(&mut self, unit: u16) -> Result<(), DocumentError> {
        let State::Str(s) = &mut self.state else {
            return Err(self.syntax("internal: not in a string"));
        };
        let high = s.high.take();
        let code = match (high, unit) {
            (None, 0xd800..=0xdbff) => {
                s.high = Some(unit);
                return Ok(());
            }
            (Some(high), 0xdc00..=0xdfff) => {
                0x10000 + (((u32::from(high) - 0xd800) << 10) | (u32::from(unit) - 0xdc00))
            }
            (None, 0xdc00..=0xdfff) | (Some(_), _) => {
                return Err(self.syntax("unpaired surrogate in \\u escape"));
            }
            (None, _) => u32::from(unit),
        };
        let Some(c) = char::from_u32(code) else {
            return Err(self.syntax("invalid \\u escape"));
        };
        let mut utf8 = [0; 4];
        self.key
            .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        Ok(())
    }

    /// A key has been read: decides what its value means.
    fn key_done(&mut self) -> Result<(), DocumentError> {
        self.state = State::Colon;
        let Some(frame) = self.stack.last_mut() else {
            return Err(self.syntax("internal: key outside an object"));
        };
        self.next = match &mut frame.role {
            Role::Other => Next::Other,
            Role::Top if self.key == b"_attachments" => {
                if self.seen_attachments {
                    return Err(DocumentError::MalformedAttachments {
                        reason: "it is given twice",
                    });
                }
                self.seen_attachments = true;
                Next::Attachments
            }
            Role::Top => Next::Other,
            Role::Attachments => match std::str::from_utf8(&self.key) {
                Ok(name) => Next::Entry(name.to_owned()),
                Err(_) => return Err(self.syntax("invalid UTF-8 in a key")),
            },
            Role::Entry { name, has_data } if self.key == b"data" => {
                if *has_data {
                    return Err(DocumentError::MalformedAttachment {
                        name: name.clone(),
                        reason: "its data is given twice",
                    });
                }
                *has_data = true;
                Next::Data
            }
            Role::Entry { .. } => Next::Other,
        };
        Ok(())
    }

    /// The opening quote of an attachment's data: the buffer gets `"`, the sink the rest.
    fn begin_data(&mut self) -> Result<(), DocumentError> {
        self.emit(b'"')?;
        let name = self.entry_name().to_owned();
        let sink = match (self.make_sink)(&name) {
            Ok(sink) => sink,
            Err(source) => return Err(DocumentError::Sink { name, source }),
        };
        self.state = State::Data(Box::new(Decoder {
            name,
            sink,
            pending: Vec::with_capacity(DECODE_CHUNK),
            out: Vec::new(),
            size: 0,
            padded: false,
            escape: false,
            ended: false,
        }));
        Ok(())
    }

    /// The closing quote of an attachment's data: the buffer gets `"`, the sink is done.
    fn end_data(&mut self) -> Result<(), DocumentError> {
        let State::Data(decoder) = std::mem::replace(&mut self.state, State::AfterValue) else {
            return Err(self.syntax("internal: not in data"));
        };
        let attachment = decoder.finish(self.limits.max_attachment_bytes)?;
        self.attachments.push(attachment);
        self.emit(b'"')
    }
}

/// Decodes one attachment's base64 into its sink, a run of characters at a time.
#[derive(Debug)]
struct Decoder<W> {
    name: String,
    sink: W,
    /// Characters not decoded yet: fewer than [`DECODE_CHUNK`], a multiple of 4 between
    /// calls save for the 0 to 3 that began an unfinished group.
    pending: Vec<u8>,
    /// The decoded bytes of one call, reused.
    out: Vec<u8>,
    size: u64,
    /// A group with `=` was decoded: it must have been the last.
    padded: bool,
    /// A `\` was the last character read.
    escape: bool,
    /// The closing quote was read.
    ended: bool,
}

impl<W: Write> Decoder<W> {
    fn invalid(&self, reason: &'static str) -> DocumentError {
        DocumentError::InvalidBase64 {
            name: self.name.clone(),
            reason,
        }
    }

    /// Reads data from the start of `input` up to and including its closing quote, if
    /// there. Returns how many bytes of `input` were used.
    fn feed(&mut self, input: &[u8], limit: u64) -> Result<usize, DocumentError> {
        if self.escape {
            // JSON lets a writer escape `/` (which base64 uses); any other escape in base64
            // text means it is not base64.
            self.escape = false;
            return match input.first() {
                Some(b'/') => {
                    self.push(b"/", limit)?;
                    Ok(1)
                }
                _ => Err(self.invalid("an escape other than \\/")),
            };
        }
        let run = memchr::memchr2(b'"', b'\\', input).unwrap_or(input.len());
        self.push(input.get(..run).unwrap_or(input), limit)?;
        match input.get(run) {
            Some(b'"') => self.ended = true,
            Some(_) => self.escape = true,
            None => return Ok(run),
        }
        Ok(run + 1)
    }

    fn push(&mut self, mut chars: &[u8], limit: u64) -> Result<(), DocumentError> {
        while !chars.is_empty() {
            if self.padded {
                return Err(self.invalid("characters after the padding"));
            }
            let room = DECODE_CHUNK - self.pending.len();
            let (now, later) = chars.split_at(room.min(chars.len()));
            self.pending.extend_from_slice(now);
            chars = later;
            if self.pending.len() == DECODE_CHUNK {
                self.decode(limit)?;
            }
        }
        Ok(())
    }

    /// Decodes the whole groups pending and writes them to the sink, within the cap.
    fn decode(&mut self, limit: u64) -> Result<(), DocumentError> {
        let whole = self.pending.len() / 4 * 4;
        let Some(groups) = self.pending.get(..whole).filter(|g| !g.is_empty()) else {
            return Ok(());
        };
        if self.padded {
            return Err(self.invalid("characters after the padding"));
        }
        self.out.resize(whole / 4 * 3, 0);
        // One call sees padding only at the end of its input and refuses it elsewhere; a
        // later call is refused by `padded`. Together: `=` only ends the whole string.
        let n = STANDARD
            .decode_slice(groups, &mut self.out)
            .map_err(|e| self.invalid(reason(&e)))?;
        self.padded = groups.last() == Some(&b'=');
        if self.size + n as u64 > limit {
            return Err(DocumentError::AttachmentTooLarge {
                name: self.name.clone(),
                limit,
            });
        }
        let written = self.out.get(..n).unwrap_or_default();
        if let Err(source) = self.sink.write_all(written) {
            return Err(DocumentError::Sink {
                name: self.name.clone(),
                source,
            });
        }
        self.size += n as u64;
        self.pending.drain(..whole);
        Ok(())
    }

    /// The closing quote was read: decodes the rest and flushes the sink.
    fn finish(mut self, limit: u64) -> Result<Attachment<W>, DocumentError> {
        self.decode(limit)?;
        if !self.pending.is_empty() {
            // The engine never saw these 1 to 3 characters: name the worse problem.
            let alphabet = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
            return Err(if self.padded {
                self.invalid("characters after the padding")
            } else if self.pending.iter().all(alphabet) {
                self.invalid("its length is not a multiple of 4")
            } else {
                self.invalid("a character outside the base64 alphabet")
            });
        }
        if let Err(source) = self.sink.flush() {
            return Err(DocumentError::Sink {
                name: self.name,
                source,
            });
        }
        Ok(Attachment {
            name: self.name,
            size: self.size,
            sink: self.sink,
        })
    }
}

/// Names what the base64 engine refused.
fn reason(error: &DecodeSliceError) -> &'static str {
    match error {
        DecodeSliceError::DecodeError(DecodeError::InvalidByte(_, b'=')) => {
            "padding before the end"
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidByte(..)) => {
            "a character outside the base64 alphabet"
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidLength(_)) => "an incomplete final group",
        DecodeSliceError::DecodeError(DecodeError::InvalidLastSymbol(..)) => {
            "non-zero bits in the final character"
        }
        DecodeSliceError::DecodeError(DecodeError::InvalidPadding) => "malformed padding",
        // The output is sized for the input: the engine never asks for more room.
        DecodeSliceError::OutputSliceTooSmall => "it does not decode",
    }
}

#[cfg(test)]
mod tests {
    use std::{cell::Cell, rc::Rc};

    use serde_json::{Value, json};

    use super::*;

    type Outcome = Result<Split<Vec<u8>>, DocumentError>;

    /// Splits `body` read as it comes from `reader`, into `Vec` sinks.
    fn split_from(reader: impl Read, limits: &Limits) -> Outcome {
        split(reader, limits, |_| Ok(Vec::new()))
    }

    fn split_bytes(body: &[u8], limits: &Limits) -> Outcome {
        split_from(body, limits)
    }

    /// A reader that hands out 1 to 7 bytes per read, in a pattern set by `seed`, so that
    /// every kind of boundary (escapes, base64 groups, keys) falls between two reads.
    struct Trickle<'a> {
        data: &'a [u8],
        turn: usize,
    }

    impl<'a> Trickle<'a> {
        fn new(data: &'a [u8], seed: usize) -> Self {
            Trickle { data, turn: seed }
        }
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.turn += 1;
            let want = (self.turn * 5 + self.turn / 7) % 7 + 1;
            let n = want.min(buf.len()).min(self.data.len());
            let (now, later) = self.data.split_at(n);
            buf[..n].copy_from_slice(now);
            self.data = later;
            Ok(n)
        }
    }

    /// Splits `body` every way the tests care about (whole, trickled with several
    /// patterns, and cut in two at every offset when it is small) and checks every way
    /// gives the same answer, which it returns.
    fn split_every_way(body: &[u8], limits: &Limits) -> Outcome {
        let whole = split_bytes(body, limits);
        let summary = summarize(&whole);
        for seed in 0..7 {
            let trickled = split_from(Trickle::new(body, seed), limits);
            assert_eq!(summarize(&trickled), summary, "trickled with seed {seed}");
        }
        if body.len() <= 4096 {
            for cut in 0..=body.len() {
                let (a, b) = body.split_at(cut);
                let halves = split_from(a.chain(b), limits);
                assert_eq!(summarize(&halves), summary, "cut at {cut}");
            }
        }
        whole
    }

    /// What must not depend on how the body was read.
    fn summarize(outcome: &Outcome) -> String {
        match outcome {
            Ok(split) => {
                let attachments: Vec<_> = split
                    .attachments
                    .iter()
                    .map(|a| (a.name.clone(), a.size, a.sink.clone()))
                    .collect();
                format!("{} {attachments:?}", split.document)
            }
            // Offsets of syntax errors are the same however the body was cut.
            Err(e) => format!("{e:?}"),
        }
    }

    /// Reproducible bytes standing for a tarball.
    fn tarball(len: usize) -> Vec<u8> {
        let mut x: u32 = 0x9e37_79b9;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x.to_le_bytes()[0]
            })
            .collect()
    }

    const NAME: &str = "@acme/widget";
    const FILE: &str = "@acme/widget-1.0.0.tgz";

    /// A document as `npm publish` sends it.
    fn publish(tarball: &[u8]) -> Value {
        json!({
            "_id": NAME,
            "name": NAME,
            "description": "A widget: \"quoted\", back\\slashed, caf\u{e9} \u{1f600}",
            "dist-tags": {"latest": "1.0.0"},
            "versions": {
                "1.0.0": {
                    "name": NAME,
                    "version": "1.0.0",
                    "description": "A widget",
                    "main": "index.js",
                    "scripts": {"test": "node test.js"},
                    "keywords": ["widget", "acme"],
                    "dependencies": {"left-pad": "^1.3.0"},
                    "license": "MIT",
                    "_id": "@acme/widget@1.0.0",
                    "_nodeVersion": "20.11.0",
                    "_npmVersion": "10.2.4",
                    "private": false,
                    "bin": null,
                    "engines": {"node": ">=18"},
                    "gypfile": 0.5,
                    "dist": {
                        "integrity": "sha512-AAAA/BBBB+CCCC==",
                        "shasum": "0123456789abcdef0123456789abcdef01234567",
                        "tarball": "http://localhost/npm/@acme/widget/-/widget-1.0.0.tgz"
                    }
                }
            },
            "access": "public",
            "_attachments": {
                FILE: {
                    "content_type": "application/octet-stream",
                    "data": STANDARD.encode(tarball),
                    "length": tarball.len()
                }
            }
        })
    }

    fn without_data(mut document: Value) -> Value {
        if let Some(entries) = document["_attachments"].as_object_mut() {
            for entry in entries.values_mut() {
                entry["data"] = json!("");
            }
        }
        document
    }

    fn err(outcome: Outcome) -> DocumentError {
        match outcome {
            Ok(split) => panic!("accepted: {}", split.document),
            Err(e) => e,
        }
    }

    #[test]
    fn a_publish_document_round_trips() {
        let data = tarball(100_000);
        let original = publish(&data);
        for body in [
            serde_json::to_vec(&original).expect("json"),
            serde_json::to_vec_pretty(&original).expect("json"),
        ] {
            let split = split_every_way(&body, &Limits::default()).expect("split");
            assert_eq!(split.document, without_data(original.clone()));
            assert_eq!(split.attachments.len(), 1);
            let attachment = &split.attachments[0];
            assert_eq!(attachment.name, FILE);
            assert_eq!(attachment.size, data.len() as u64);
            assert!(attachment.sink == data, "the decoded bytes are the tarball");
        }
    }

    #[test]
    fn every_padding_and_chunk_boundary_decodes() {
        // 0, 1 and 2 bytes of padding, and sizes around one decoding call's worth.
        let group = DECODE_CHUNK / 4 * 3;
        let sizes = (0..12).chain(group - 2..group + 3).chain([2 * group + 1]);
        for len in sizes {
            let data = tarball(len);
            let original = publish(&data);
            let body = serde_json::to_vec(&original).expect("json");
            let split = split_every_way(&body, &Limits::default()).expect("split");
            assert_eq!(split.document, without_data(original), "len {len}");
            assert!(split.attachments[0].sink == data, "len {len}");
        }
    }

    #[test]
    fn escaped_slashes_in_data_decode() {
        // 0xff bytes encode as '/', which a JSON writer may escape.
        let data: Vec<u8> = [0xff, 0xfe, 0x00, 0xff, 0xff, 0xff, 0x3f, 0xf0]
            .into_iter()
            .cycle()
            .take(1000)
            .collect();
        let encoded = STANDARD.encode(&data);
        assert!(encoded.contains('/'));
        let body = format!(
            r#"{{"name":"x","description":"a\/b","_attachments":{{"x.tgz":{{"data":"{}"}}}}}}"#,
            encoded.replace('/', "\\/")
        );
        let split = split_every_way(body.as_bytes(), &Limits::default()).expect("split");
        assert!(split.attachments[0].sink == data);
        assert_eq!(
            split.document,
            json!({"name": "x", "description": "a/b", "_attachments": {"x.tgz": {"data": ""}}})
        );
    }

    #[test]
    fn only_the_real_data_is_diverted() {
        let body = br#"{
            "name": "decoy",
            "description": "{\"_attachments\":{\"a\":{\"data\":\"AAAA\"}}}",
            "data": "QUJD",
            "readme": "\"data\": \"QUJD\" \\\"data\\\"",
            "versions": {"1.0.0": {
                "_attachments": {"b.tgz": {"data": "QUJD"}},
                "dist": {"data": "QUJD"}
            }},
            "list": [{"_attachments": {"c.tgz": {"data": "QUJD"}}}, "_attachments", "data"],
            "_attachments": {"real.tgz": {
                "content_type": "application/octet-stream",
                "meta": {"data": "not base64!", "_attachments": {"d": {"data": "x"}}},
                "length": 3,
                "data": "QUJD"
            }},
            "trailer": {"data": [1, 2, {"data": null}]}
        }"#;
        let calls = Cell::new(0);
        let split = split(&body[..], &Limits::default(), |name| {
            calls.set(calls.get() + 1);
            assert_eq!(name, "real.tgz");
            Ok(Vec::new())
        })
        .expect("split");
        assert_eq!(calls.get(), 1);
        assert!(split.attachments[0].sink == b"ABC");
        let original: Value = serde_json::from_slice(body).expect("json");
        assert_eq!(split.document, without_data(original.clone()));
        assert_eq!(split.document["versions"], original["versions"]);
        assert_eq!(split.document["list"], original["list"]);
        assert_eq!(
            split.document["_attachments"]["real.tgz"]["meta"]["data"],
            "not base64!"
        );
        split_every_way(body, &Limits::default()).expect("split");
    }

    #[test]
    fn keys_are_compared_as_decoded() {
        let body = br#"{"_attachment\u0073":{"\u0040acme\/w-1.0.0.tgz":{"d\u0061ta":"QUJD"}}}"#;
        let split = split_every_way(body, &Limits::default()).expect("split");
        assert_eq!(split.attachments[0].name, "@acme/w-1.0.0.tgz");
        assert!(split.attachments[0].sink == b"ABC");
        assert_eq!(
            split.document,
            json!({"_attachments": {"@acme/w-1.0.0.tgz": {"data": ""}}})
        );

        let limits = Limits {
            max_attachments: 3,
            ..Limits::default()
        };
        let body = r#"{"_attachments":{
            "\ud83d\ude00.tgz":{"data":"QQ=="},
            "café\t\"x\"\\.tgz":{"data":"QUI="},
            "caf\u00e9\n.tgz":{"data":""}
        }}"#;
        let split = split_every_way(body.as_bytes(), &limits).expect("split");
        let names: Vec<_> = split.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["\u{1f600}.tgz", "café\t\"x\"\\.tgz", "café\n.tgz"]);
        let sizes: Vec<_> = split.attachments.iter().map(|a| a.size).collect();
        assert_eq!(sizes, [1, 2, 0]);
    }

    #[test]
    fn documents_without_attachments_pass_through() {
        for body in [
            &br#"{"name":"x"}"#[..],
            br#"{"name":"x","_attachments":{}}"#,
            b" \r\n\t{ } \n",
        ] {
            let split = split_every_way(body, &Limits::default()).expect("split");
            assert!(split.attachments.is_empty());
            let original: Value = serde_json::from_slice(body).expect("json");
            assert_eq!(split.document, original);
        }
    }

    #[test]
    fn not_json_is_refused() {
        let syntax = [
            &b"hello"[..],
            b"[1]",
            b"\"x\"",
            b"{\"a\":1,}",
            b"{,}",
            b"{\"a\" 1}",
            b"{\"a\":1]",
            b"{\"a\":[1}",
            b"{\"a\":[1,]}",
            b"{\"a\":}",
            b"{\"a\":1} x",
            b"{\"a\":1}{}",
            b"{\"a\":\"\\x\"}",
            b"{\"a\":\"\\u12G4\"}",
            b"{\"a\":\"tab\there\"}",
            b"{a:1}",
            b"{\"a\":'x'}",
            // A lone surrogate where the lexer decodes keys.
            b"{\"\\ud800\":1}",
            b"{\"_attachments\":{\"\\udc00\":{\"data\":\"\"}}}",
            b"{\"_attachments\":{\"\\ud800\\u0041\":{\"data\":\"\"}}}",
        ];
        for body in syntax {
            let e = err(split_every_way(body, &Limits::default()));
            let text = String::from_utf8_lossy(body);
            assert!(matches!(e, DocumentError::Syntax { .. }), "{text}: {e:?}");
            assert!(!e.is_too_large());
        }
        let e = err(split_bytes(b"{\"a\":1]", &Limits::default()));
        assert_eq!(
            e.to_string(),
            "the document is not valid JSON: mismatched closing bracket at byte 6"
        );

        // What the lexer lets through, serde_json refuses.
        let parse = [
            &b"{\"a\":tru}"[..],
            b"{\"a\":01}",
            b"{\"a\":1.}",
            b"{\"a\":-}",
            b"{\"a\":\"\xff\"}",
            b"{\"a\":\"\\ud800\"}",
            b"{\"a\":{\"\\udc00\":1}}",
        ];
        for body in parse {
            let e = err(split_every_way(body, &Limits::default()));
            let text = String::from_utf8_lossy(body);
            assert!(matches!(e, DocumentError::Parse(_)), "{text}: {e:?}");
        }
    }

    #[test]
    fn truncated_documents_are_refused() {
        for body in [&b""[..], b"  \n", b"{", b"{\"a\":[1,2]"] {
            let e = err(split_bytes(body, &Limits::default()));
            assert!(matches!(e, DocumentError::Truncated), "{e:?}");
        }
        // Every proper prefix of a publish, wherever it stops (data included).
        let body = serde_json::to_vec(&publish(&tarball(40))).expect("json");
        for end in 0..body.len() {
            let e = err(split_bytes(&body[..end], &Limits::default()));
            assert!(matches!(e, DocumentError::Truncated), "{end}: {e:?}");
        }
        assert!(split_bytes(&body, &Limits::default()).is_ok());
    }

    #[test]
    fn the_json_cap_counts_everything_but_data() {
        let original = publish(&tarball(10_000));
        let body = serde_json::to_vec(&original).expect("json");
        let kept = serde_json::to_vec(&without_data(original))
            .expect("json")
            .len();
        assert!(kept < body.len() / 4);
        let at = Limits {
            max_json_bytes: kept,
            ..Limits::default()
        };
        assert!(split_every_way(&body, &at).is_ok(), "exactly at the cap");
        let under = Limits {
            max_json_bytes: kept - 1,
            ..Limits::default()
        };
        let e = err(split_every_way(&body, &under));
        assert!(
            matches!(e, DocumentError::JsonTooLarge { limit } if limit == kept - 1),
            "{e:?}"
        );
        assert!(e.is_too_large());
    }

    /// A body that never ends: `prefix`, then `fill` forever. Counts what it served.
    struct Endless {
        prefix: Vec<u8>,
        fill: u8,
        served: Rc<Cell<u64>>,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let served = usize::try_from(self.served.get()).expect("small");
            let from_prefix = self.prefix.get(served..).unwrap_or_default();
            let n = from_prefix.len().min(buf.len());
            buf[..n].copy_from_slice(&from_prefix[..n]);
            buf[n..].fill(self.fill);
            self.served.set(self.served.get() + buf.len() as u64);
            Ok(buf.len())
        }
    }

    #[test]
    fn reading_stops_at_the_json_cap() {
        for prefix in [&b"{\"description\":\""[..], b"{\"a\":[", b""] {
            let served = Rc::new(Cell::new(0));
            let fill = if prefix.ends_with(b"[") { b'[' } else { b' ' };
            let fill = if prefix.ends_with(b"\"") { b'x' } else { fill };
            let body = Endless {
                prefix: prefix.to_vec(),
                fill,
                served: Rc::clone(&served),
            };
            let limits = Limits {
                max_json_bytes: 100_000,
                ..Limits::default()
            };
            let e = err(split_from(body, &limits));
            if fill == b'[' {
                assert!(matches!(e, DocumentError::TooDeep { limit: 64 }), "{e:?}");
                assert!(served.get() <= READ_CHUNK as u64);
            } else {
                assert!(matches!(e, DocumentError::JsonTooLarge { .. }), "{e:?}");
                assert!(served.get() <= 100_000 + READ_CHUNK as u64);
            }
        }
    }

    #[test]
    fn the_buffer_never_outgrows_the_cap() {
        for limit in [1, 1000, 1025, 100_000, 131_073] {
            let limits = Limits {
                max_json_bytes: limit,
                ..Limits::default()
            };
            let mut lexer = Lexer::new(&limits, |_: &str| Ok(Vec::new()));
            let body = format!("{{\"d\":\"{}", "x".repeat(limit * 2));
            let e = lexer.feed(body.as_bytes()).expect_err("over the cap");
            assert!(matches!(e, DocumentError::JsonTooLarge { .. }));
            assert_eq!(lexer.json.len(), limit);
            assert!(lexer.json.capacity() <= limit, "capacity for {limit}");
        }
    }

    /// A sink that only counts, shared with the test.
    struct Counter(Rc<Cell<u64>>);

    impl Write for Counter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.set(self.0.get() + buf.len() as u64);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_attachment_cap_is_exact() {
        let data = tarball(100_000);
        let body = serde_json::to_vec(&publish(&data)).expect("json");
        let at = Limits {
            max_attachment_bytes: 100_000,
            ..Limits::default()
        };
        assert!(split_every_way(&body, &at).is_ok(), "exactly at the cap");
        let under = Limits {
            max_attachment_bytes: 99_999,
            ..Limits::default()
        };
        let written = Rc::new(Cell::new(0));
        let outcome = split(&body[..], &under, |_| Ok(Counter(Rc::clone(&written))));
        let e = match outcome {
            Ok(_) => panic!("accepted"),
            Err(e) => e,
        };
        assert!(
            matches!(&e, DocumentError::AttachmentTooLarge { name, limit: 99_999 } if name == FILE),
            "{e:?}"
        );
        assert!(e.is_too_large());
        assert!(written.get() <= 99_999);
        split_every_way(&body, &under).expect_err("every way");
    }

    #[test]
    fn a_huge_attachment_is_refused_at_the_cap_without_holding_it() {
        // 100 MiB of zeros as base64, generated as it is read: "AAAA" decodes to 3 zeros.
        let prefix = br#"{"name":"big","_attachments":{"big.tgz":{"data":""#.to_vec();
        let served = Rc::new(Cell::new(0));
        let body = Endless {
            prefix: prefix.clone(),
            fill: b'A',
            served: Rc::clone(&served),
        };
        let limits = Limits::default();
        let written = Rc::new(Cell::new(0));
        let outcome = split(body, &limits, |_| Ok(Counter(Rc::clone(&written))));
        let e = match outcome {
            Ok(_) => panic!("accepted"),
            Err(e) => e,
        };
        let cap = limits.max_attachment_bytes;
        assert!(
            matches!(&e, DocumentError::AttachmentTooLarge { limit, .. } if *limit == cap),
            "{e:?}"
        );
        assert!(written.get() <= cap);
        assert!(
            written.get() > cap - DECODE_CHUNK as u64,
            "it got close to the cap"
        );
        // Reading stopped at the cap, give or take one read and one decoding call.
        let slack = (READ_CHUNK + DECODE_CHUNK + prefix.len()) as u64;
        assert!(served.get() <= cap / 3 * 4 + slack, "read {}", served.get());
    }

    #[test]
    fn too_many_attachments_are_refused() {
        let body = br#"{"_attachments":{"a.tgz":{"data":"QUJD"},"b.tgz":{"data":"QUJD"}}}"#;
        let calls = Cell::new(0);
        let outcome = split(&body[..], &Limits::default(), |_| {
            calls.set(calls.get() + 1);
            Ok(Vec::new())
        });
        let e = err(outcome);
        assert!(
            matches!(e, DocumentError::TooManyAttachments { limit: 1 }),
            "{e:?}"
        );
        assert!(!e.is_too_large());
        assert_eq!(calls.get(), 1, "refused before the second sink");
        err(split_every_way(body, &Limits::default()));

        let two = Limits {
            max_attachments: 2,
            ..Limits::default()
        };
        let split = split_every_way(body, &two).expect("split");
        let names: Vec<_> = split.attachments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["a.tgz", "b.tgz"]);

        let none = Limits {
            max_attachments: 0,
            ..Limits::default()
        };
        let e = err(split_bytes(br#"{"_attachments":{"a":{"data":""}}}"#, &none));
        assert!(matches!(e, DocumentError::TooManyAttachments { limit: 0 }));
        assert!(split_bytes(br#"{"_attachments":{}}"#, &none).is_ok());
    }

    fn with_data(data: &str) -> Vec<u8> {
        format!(r#"{{"name":"x","_attachments":{{"x.tgz":{{"data":"{data}"}}}}}}"#).into_bytes()
    }

    #[test]
    fn invalid_base64_is_refused() {
        let group = "QUJD".repeat(DECODE_CHUNK / 4);
        let cases = [
            ("QUJ!", "a character outside the base64 alphabet"),
            ("QU JD", "a character outside the base64 alphabet"),
            ("QUJD\\n", "an escape other than \\/"),
            ("QUJD\\u0041AAA", "an escape other than \\/"),
            ("\\\"QUJD", "an escape other than \\/"),
            ("QUJ", "its length is not a multiple of 4"),
            ("Q", "its length is not a multiple of 4"),
            ("QUJDQ===", "padding before the end"),
            ("QQ=A", "padding before the end"),
            ("QQ==QUJD", "padding before the end"),
            ("QQ==Q", "characters after the padding"),
            ("=QUJ", "padding before the end"),
            ("QR==", "non-zero bits in the final character"),
            ("QUI", "its length is not a multiple of 4"),
            ("QUJDQUJDé", "a character outside the base64 alphabet"),
        ];
        let long_padded = format!("{}QQ==", &group[..group.len() - 4]);
        let long_cases = [
            (format!("{long_padded}QUJD"), "characters after the padding"),
            (format!("{long_padded}Q"), "characters after the padding"),
        ];
        let cases = cases
            .into_iter()
            .map(|(d, r)| (d.to_owned(), r))
            .chain(long_cases);
        for (data, reason) in cases {
            let e = err(split_every_way(&with_data(&data), &Limits::default()));
            let DocumentError::InvalidBase64 { name, reason: got } = &e else {
                panic!("{data:.40}: {e:?}");
            };
            assert_eq!(name, "x.tgz");
            assert_eq!(*got, reason, "{data:.40} ({} bytes)", data.len());
            assert!(!e.is_too_large());
        }
        assert!(split_bytes(&with_data(&long_padded), &Limits::default()).is_ok());
        assert!(split_bytes(&with_data(""), &Limits::default()).is_ok());
    }

    #[test]
    fn misshapen_attachments_are_refused() {
        let attachments = |inner: &str| format!(r#"{{"name":"x","_attachments":{inner}}}"#);
        for data in ["5", "-1", "{}", "[]", "null", "true", "{\"x\":\"QUJD\"}"] {
            let body = attachments(&format!(r#"{{"x.tgz":{{"data":{data}}}}}"#));
            let e = err(split_every_way(body.as_bytes(), &Limits::default()));
            assert!(
                matches!(&e, DocumentError::DataNotString { name } if name == "x.tgz"),
                "{data}: {e:?}"
            );
        }
        let malformed = [
            (r#"{"x.tgz":5}"#, "it is not an object"),
            (r#"{"x.tgz":"QUJD"}"#, "it is not an object"),
            (r#"{"x.tgz":[]}"#, "it is not an object"),
            (r#"{"x.tgz":null}"#, "it is not an object"),
            (r#"{"x.tgz":{}}"#, "it has no data"),
            (r#"{"x.tgz":{"length":3}}"#, "it has no data"),
            (
                r#"{"x.tgz":{"data":"","data":""}}"#,
                "its data is given twice",
            ),
            (
                r#"{"x.tgz":{"data":"","d\u0061ta":""}}"#,
                "its data is given twice",
            ),
        ];
        for (inner, why) in malformed {
            let body = attachments(inner);
            let e = err(split_every_way(body.as_bytes(), &Limits::default()));
            assert!(
                matches!(
                    &e,
                    DocumentError::MalformedAttachment { name, reason }
                        if name == "x.tgz" && *reason == why
                ),
                "{inner}: {e:?}"
            );
        }
        for inner in ["[]", "null", "\"x\"", "1", "[{\"data\":\"\"}]"] {
            let body = attachments(inner);
            let e = err(split_every_way(body.as_bytes(), &Limits::default()));
            assert!(
                matches!(e, DocumentError::MalformedAttachments { .. }),
                "{inner}: {e:?}"
            );
        }
        let twice = br#"{"_attachments":{},"name":"x","_attachments":{}}"#;
        let e = err(split_every_way(twice, &Limits::default()));
        assert!(
            matches!(e, DocumentError::MalformedAttachments { reason } if reason.contains("twice"))
        );
    }

    #[test]
    fn duplicate_names_are_refused() {
        let limits = Limits {
            max_attachments: 5,
            ..Limits::default()
        };
        for body in [
            &br#"{"_attachments":{"a":{"data":""},"a":{"data":""}}}"#[..],
            br#"{"_attachments":{"a":{"data":""},"\u0061":{"data":""}}}"#,
            br#"{"_attachments":{"a":{"data":""},"b":{"data":""},"a":{"data":""}}}"#,
        ] {
            let e = err(split_every_way(body, &limits));
            assert!(
                matches!(&e, DocumentError::DuplicateAttachment { name } if name == "a"),
                "{e:?}"
            );
        }
    }

    #[test]
    fn nesting_is_capped() {
        let nested = |arrays: usize| {
            format!("{{\"a\":{}{}}}", "[".repeat(arrays), "]".repeat(arrays)).into_bytes()
        };
        // The top-level object and 63 arrays: 64 levels.
        let split = split_every_way(&nested(MAX_DEPTH - 1), &Limits::default()).expect("64");
        assert!(split.document["a"].is_array());
        let e = err(split_every_way(&nested(MAX_DEPTH), &Limits::default()));
        assert!(
            matches!(e, DocumentError::TooDeep { limit: MAX_DEPTH }),
            "{e:?}"
        );
        let e = err(split_bytes(&nested(1_000_000), &Limits::default()));
        assert!(matches!(e, DocumentError::TooDeep { .. }), "{e:?}");
    }

    /// Serves `data`, then fails; or is interrupted every other read.
    struct Flaky<'a> {
        data: &'a [u8],
        interrupt: bool,
        turn: usize,
    }

    impl Read for Flaky<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.turn += 1;
            if self.interrupt && self.turn.is_multiple_of(2) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            if self.data.is_empty() && !self.interrupt {
                return Err(io::Error::other("connection reset"));
            }
            let n = buf.len().min(self.data.len()).min(5);
            let (now, later) = self.data.split_at(n);
            buf[..n].copy_from_slice(now);
            self.data = later;
            Ok(n)
        }
    }

    #[test]
    fn read_errors_are_kept_and_interruptions_retried() {
        let body = with_data("QUJD");
        let e = err(split_from(
            Flaky {
                data: &body[..20],
                interrupt: false,
                turn: 0,
            },
            &Limits::default(),
        ));
        let DocumentError::Read(source) = &e else {
            panic!("{e:?}");
        };
        assert_eq!(source.to_string(), "connection reset");
        assert!(std::error::Error::source(&e).is_some());

        let flaky = Flaky {
            data: &body,
            interrupt: true,
            turn: 0,
        };
        let split = split_from(flaky, &Limits::default()).expect("split");
        assert!(split.attachments[0].sink == b"ABC");
    }

    /// A sink that fails on write or on flush.
    struct Broken {
        on_flush: bool,
    }

    impl Write for Broken {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.on_flush {
                Ok(buf.len())
            } else {
                Err(io::Error::other("disk full"))
            }
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::other("disk full"))
        }
    }

    #[test]
    fn sink_errors_are_kept() {
        let body = with_data("QUJD");
        let refused = split(&body[..], &Limits::default(), |_| {
            Err::<Vec<u8>, _>(io::Error::other("no space"))
        });
        for (outcome, message) in [
            (refused.map(|_| ()), "no space"),
            (
                split(&body[..], &Limits::default(), |_| {
                    Ok(Broken { on_flush: false })
                })
                .map(|_| ()),
                "disk full",
            ),
            (
                split(&body[..], &Limits::default(), |_| {
                    Ok(Broken { on_flush: true })
                })
                .map(|_| ()),
                "disk full",
            ),
        ] {
            let Err(e) = outcome else {
                panic!("accepted");
            };
            let DocumentError::Sink { name, source } = &e else {
                panic!("{e:?}");
            };
            assert_eq!(name, "x.tgz");
            assert_eq!(source.to_string(), message);
            assert_eq!(e.to_string(), "could not store the attachment \"x.tgz\"");
        }
    }

    #[test]
    fn sinks_are_flushed_and_handed_back() {
        /// Records whether it was flushed.
        struct Flushed(Vec<u8>, bool);

        impl Write for Flushed {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.extend_from_slice(buf);
                Ok(buf.len())
            }

            fn flush(&mut self) -> io::Result<()> {
                self.1 = true;
                Ok(())
            }
        }

        let body = with_data("QUJD");
        let split = split(&body[..], &Limits::default(), |_| {
            Ok(Flushed(Vec::new(), false))
        })
        .expect("split");
        let sink = &split.attachments[0].sink;
        assert_eq!(sink.0, b"ABC");
        assert!(sink.1, "flushed");
    }

    #[test]
    fn limits_default_to_a_single_publish() {
        assert_eq!(
            Limits::default(),
            Limits {
                max_json_bytes: 1 << 20,
                max_attachment_bytes: 64 << 20,
                max_attachments: 1,
            }
        );
    }

    proptest::proptest! {
        #[test]
        fn any_tarball_read_any_way_round_trips(
            data in proptest::collection::vec(proptest::num::u8::ANY, 0..3000),
            seed in 0usize..1000,
            escape in proptest::bool::ANY,
        ) {
            let original = publish(&data);
            let mut body = serde_json::to_string(&original).expect("json");
            if escape {
                body = body.replace('/', "\\/");
            }
            let split = split_from(Trickle::new(body.as_bytes(), seed), &Limits::default())
                .expect("split");
            proptest::prop_assert_eq!(&split.document, &without_data(original));
            proptest::prop_assert!(split.attachments[0].sink == data);
        }
    }
}
