//! The connection side of `shelf serve`: the accept loop, and every limit on how long and how
//! many clients may hold the server.
//!
//! This module owns the connection budget (the open-file limit, raised to its hard maximum,
//! and the connection cap derived from it), the accept loop with its back-off on errors such
//! as "too many open files", the deadlines (a request's headers, a stalled request body, a
//! response the client stops reading), and graceful shutdown. Both the registry and
//! `--site` mode run through [`serve`]; handlers see the client's address as
//! `ConnectInfo<SocketAddr>`, and a request body that stalls fails with [`BodyTimeout`],
//! which [`body_timeout`] finds in any error chain so that handlers can answer 408.

use std::{
    error::Error as StdError,
    future::Future,
    io,
    pin::{Pin, pin},
    sync::Arc,
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::ConnectInfo,
    http::Request,
};
use hyper::{
    body::{Body as HttpBody, Frame, Incoming, SizeHint},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, watch},
    time::Sleep,
};
use tower::ServiceExt as _;

use super::Settings;

/// Descriptors kept out of the connection budget for what the server itself opens: the
/// database and its journal, the index's packs, staged uploads, the runtime's own.
const RESERVED_FILES: u64 = 128;
/// A connection may hold a second descriptor while it is served: the site file it streams
/// or the temporary file an upload is staged to.
const FILES_PER_CONNECTION: u64 = 2;
/// The derived cap's ceiling. Past a few thousand connections the limit that matters is
/// memory (hyper lets each connection buffer up to about 400 KiB of request head), not
/// descriptors; an operator who wants more says so with `--max-connections`.
const MAX_DEFAULT_CONNECTIONS: u64 = 4096;
/// Pause after an accept error such as EMFILE: retrying at once would spin on a listener
/// that stays readable until a descriptor is freed.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// How often a persisting condition (accept errors, the cap reached) is logged again.
const LOG_EVERY: Duration = Duration::from_secs(10);
/// How long shutdown waits for requests in flight before it cuts them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A request body sent nothing for the configured time.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error(
    "the request body stalled: nothing arrived for {} s; send the request again",
    .0.as_secs()
)]
pub struct BodyTimeout(pub Duration);

/// The [`BodyTimeout`] somewhere in `error`'s chain, if the error is one.
#[must_use]
pub fn body_timeout<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a BodyTimeout> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(timeout) = error.downcast_ref::<BodyTimeout>() {
            return Some(timeout);
        }
        // `io::Error::source` skips the error it wraps; `get_ref` reaches it.
        next = match error.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => error.source(),
        };
    }
    None
}

/// Whether `error` says the process or the system ran out of file descriptors.
#[must_use]
pub fn out_of_files(error: &io::Error) -> bool {
    let codes = [rustix::io::Errno::MFILE, rustix::io::Errno::NFILE].map(|e| e.raw_os_error());
    if let Some(code) = error.raw_os_error() {
        return codes.contains(&code);
    }
    let Some(inner) = error.get_ref() else {
        return false;
    };
    if let Some(inner) = inner.downcast_ref::<io::Error>() {
        return out_of_files(inner);
    }
    // tempfile wraps the OS error in a private type whose `source` skips it, so the OS's
    // own message, which it keeps at the front of its text, is all that is left to go by.
    let text = inner.to_string();
    codes
        .into_iter()
        .any(|code| text.starts_with(&io::Error::from_raw_os_error(code).to_string()))
}

/// Raises the soft open-file limit to the hard one, so that the connection cap derived from
/// it is as large as the operator's system allows; answers the soft limit now in force
/// (`None`: unlimited).
pub fn raise_open_files_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current == limit.maximum {
        return limit.current;
    }
    let raised = Rlimit {
        current: limit.maximum,
        maximum: limit.maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => limit.maximum,
        Err(e) => {
            tracing::debug!("cannot raise the open-file limit to its maximum: {e}");
            limit.current
        }
    }
}

/// The connection cap for a soft open-file limit: what is left after the server's own
/// descriptors, at two per connection, at most [`MAX_DEFAULT_CONNECTIONS`].
#[must_use]
pub fn connections_for(open_files: Option<u64>) -> u32 {
    let Some(files) = open_files else {
        return MAX_DEFAULT_CONNECTIONS as u32;
    };
    // A tiny limit keeps half for the server rather than nothing for connections.
    let reserved = RESERVED_FILES.min(files / 2);
    let connections = (files - reserved) / FILES_PER_CONNECTION;
    u32::try_from(connections.clamp(1, MAX_DEFAULT_CONNECTIONS)).unwrap_or(1)
}

/// Resolves how many connections to serve at once: `configured`, or the budget of the
/// (raised) open-file limit.
fn connection_cap(configured: Option<u32>) -> u32 {
    let open_files = raise_open_files_limit();
    let budget = connections_for(open_files);
    match configured {
        Some(cap) => {
            if cap > budget {
                tracing::warn!(
                    "--max-connections {cap} is more than the open-file limit ({}) leaves \
                     room for ({budget}): uploads may fail with 503 when it is reached",
                    open_files.map_or_else(|| "unlimited".to_owned(), |n| n.to_string())
                );
            }
            cap
        }
        None => budget,
    }
}

/// Resolves on ctrl-c or SIGTERM, the signals that stop `shelf serve`.
pub async fn shutdown_signal() {
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM (ctrl-c still stops the server): {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting, lets the
/// requests in flight finish (for up to 30 s) and returns.
///
/// When the cap is reached the loop stops accepting until a connection closes, rather than
/// accepting and closing at once: waiting clients sit in the kernel's listen backlog and are
/// served in turn, where a closed connection would be an error for a client that did
/// nothing wrong. The deadlines make slots come free: a client cannot hold one for longer
/// than the header timeout without sending a request, nor stall mid-request for longer than
/// the body timeout.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: &Settings,
    shutdown: impl Future<Output = ()>,
) {
    let cap = connection_cap(settings.max_connections);
    let slots = Arc::new(Semaphore::new(cap as usize));
    let (stop, stopped) = watch::channel(());
    let mut http = http1::Builder::new();
    // The header timer starts whenever hyper waits for a request head, so it also closes
    // keep-alive connections left idle between requests.
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let body_timeout = settings.body_timeout;
    let mut shutdown = pin!(shutdown);
    let (mut full_log, mut error_log) = (Throttle::default(), Throttle::default());
    loop {
        let slot = if let Ok(slot) = slots.clone().try_acquire_owned() {
            slot
        } else {
            if let Some(again) = full_log.ready() {
                tracing::warn!(
                    "{cap} connections open, the most --max-connections allows: new ones \
                     wait until one closes{again}"
                );
            }
            tokio::select! {
                slot = slots.clone().acquire_owned() => match slot {
                    Ok(slot) => slot,
                    Err(_) => break,
                },
                () = &mut shutdown => break,
            }
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, remote) = match accepted {
            Ok(accepted) => accepted,
            // The client gave up before it was accepted: nothing is wrong with the server.
            Err(e) if per_connection(&e) => continue,
            Err(e) => {
                drop(slot);
                if let Some(again) = error_log.ready() {
                    tracing::warn!(
                        "cannot accept a connection: {e}; retrying every {} ms{again}",
                        ACCEPT_BACKOFF.as_millis()
                    );
                }
                tokio::select! {
                    () = tokio::time::sleep(ACCEPT_BACKOFF) => continue,
                    () = &mut shutdown => break,
                }
            }
        };
        // Nagle's algorithm off: hyper writes a response's head and its body separately;
        // with Nagle on, the body waits for the client's delayed ACK of the head (40 ms on
        // Linux), so a client reading many small files over one keep-alive connection
        // (`shelf mirror`) got about 25 files a second.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!("cannot set TCP_NODELAY on a connection: {e}");
        }
        let router = router.clone();
        let service = service_fn(move |request: Request<Incoming>| {
            let mut request = request.map(|body| Body::new(IdleBody::new(body, body_timeout)));
            request.extensions_mut().insert(ConnectInfo(remote));
            router.clone().oneshot(request)
        });
        let io = TokioIo::new(SendTimeout::new(stream, body_timeout));
        let connection = http.serve_connection(io, service);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let mut connection = pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                _ = stopped.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(%remote, "connection closed: {e}");
            }
        });
    }
    drop(listener);
    let _ = stop.send(());
    let all = slots.acquire_many(cap);
    if tokio::time::timeout(SHUTDOWN_GRACE, all).await.is_err() {
        tracing::warn!(
            "{} connections still open after {} s; closing them",
            cap as usize - slots.available_permits(),
            SHUTDOWN_GRACE.as_secs()
        );
    }
}

/// Accept errors that concern one connection only (it was reset or aborted before it was
/// accepted, or the call was interrupted): the next accept may succeed at once.
fn per_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// Logs a persisting condition once per [`LOG_EVERY`], counting the times in between.
#[derive(Default)]
struct Throttle {
    last: Option<Instant>,
    quiet: u64,
}

impl Throttle {
    /// When it is time to log again, the end of the message: how many times the condition
    /// recurred unlogged since the last one.
    fn ready(&mut self) -> Option<String> {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < LOG_EVERY)
        {
            self.quiet += 1;
            return None;
        }
        self.last = Some(now);
        Some(match std::mem::take(&mut self.quiet) {
            0 => String::new(),
            quiet => format!(" ({quiet} more times since the last message)"),
        })
    }
}

/// A clock for one direction of a transfer that starts when the transfer waits and stops
/// when it moves: only time spent waiting on the client counts, never time the server
/// spends between reads or writes.
struct Stall {
    limit: Duration,
    timer: Option<Pin<Box<Sleep>>>,
    running: bool,
}

impl Stall {
    fn new(limit: Duration) -> Self {
        Stall {
            limit,
            timer: None,
            running: false,
        }
    }

    /// The transfer moved.
    fn moved(&mut self) {
        self.running = false;
    }

    /// The transfer is waiting: starts the clock if it is not running, and says whether the
    /// limit has passed (registering `cx` to be woken when it does).
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.running {
            let deadline = tokio::time::Instant::now() + self.limit;
            match &mut self.timer {
                Some(timer) => timer.as_mut().reset(deadline),
                None => self.timer = Some(Box::pin(tokio::time::sleep_until(deadline))),
            }
            self.running = true;
        }
        let fired = self
            .timer
            .as_mut()
            .is_some_and(|timer| timer.as_mut().poll(cx).is_ready());
        if fired {
            self.running = false;
        }
        fired
    }
}

/// A request body that fails with [`BodyTimeout`] when the client sends nothing for the
/// limit while a handler waits for it.
pub struct IdleBody<B> {
    inner: B,
    stall: Stall,
}

impl<B> IdleBody<B> {
    /// Wraps `inner`.
    pub fn new(inner: B, limit: Duration) -> Self {
        IdleBody {
            inner,
            stall: Stall::new(limit),
        }
    }
}

impl<B> HttpBody for IdleBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.stall.moved();
                Poll::Ready(frame.map(|frame| frame.map_err(Into::into)))
            }
            Poll::Pending if this.stall.expired(cx) => {
                Poll::Ready(Some(Err(Box::new(BodyTimeout(this.stall.limit)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A connection whose writes fail when the client takes no bytes of a response for the
/// limit: a client that asks for a large file and stops reading would otherwise hold its
/// connection, and a slot under the cap, for ever.
struct SendTimeout {
    stream: TcpStream,
    stall: Stall,
}

impl SendTimeout {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        SendTimeout {
            stream,
            stall: Stall::new(limit),
        }
    }

    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stall.moved();
            return polled;
        }
        if self.stall.expired(cx) {
            let limit = self.stall.limit.as_secs();
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client took no bytes of the response for {limit} s"),
            )));
        }
        Poll::Pending
    }
}

impl AsyncRead for SendTimeout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SendTimeout {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_flush(cx);
        this.watch(cx, polled)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_the_servers_own_files() {
        assert_eq!(connections_for(Some(1024)), 448);
        assert_eq!(connections_for(Some(256)), 64);
        assert_eq!(connections_for(Some(64)), 16);
        assert_eq!(connections_for(Some(1)), 1);
        assert_eq!(connections_for(Some(1 << 20)), 4096);
        assert_eq!(connections_for(None), 4096);
    }

    #[test]
    fn running_out_of_descriptors_is_recognised_however_it_is_wrapped() {
        let emfile = || io::Error::from_raw_os_error(rustix::io::Errno::MFILE.raw_os_error());
        assert!(out_of_files(&emfile()));
        assert!(out_of_files(&io::Error::other(emfile())));
        // tempfile's shape: the OS error's text, then the path, in an opaque error.
        let opaque = io::Error::other(format!("{} at path \"/data/blobs/tmp\"", emfile()));
        assert!(out_of_files(&opaque));
        let enfile = io::Error::from_raw_os_error(rustix::io::Errno::NFILE.raw_os_error());
        assert!(out_of_files(&enfile));
        assert!(!out_of_files(&io::Error::from_raw_os_error(
            rustix::io::Errno::NOSPC.raw_os_error()
        )));
        assert!(!out_of_files(&io::Error::other("Too many requests")));
    }

    #[tokio::test]
    async fn a_body_that_stops_sending_fails_with_a_timeout() {
        let (send, receive) = tokio::sync::mpsc::channel::<Result<Bytes, io::Error>>(1);
        let stream = futures_util::stream::unfold(receive, |mut receive| async move {
            receive.recv().await.map(|item| (item, receive))
        });
        let limit = Duration::from_millis(100);
        let body = Body::new(IdleBody::new(Body::from_stream(stream), limit));
        let mut body = body.into_data_stream();
        send.send(Ok(Bytes::from_static(b"first")))
            .await
            .expect("send");
        let first = futures_util::StreamExt::next(&mut body).await;
        assert_eq!(
            first.and_then(Result::ok),
            Some(Bytes::from_static(b"first"))
        );
        // Nothing more is sent, and the sender stays open: the body stalls.
        let stalled = futures_util::StreamExt::next(&mut body).await;
        let error = stalled.and_then(Result::err).expect("a timeout");
        let timeout = body_timeout(&error).expect("found in the chain");
        assert_eq!(timeout.0, limit);
        let wrapped = io::Error::new(io::ErrorKind::TimedOut, error);
        assert!(body_timeout(&wrapped).is_some());
        assert!(body_timeout(&io::Error::other("closed")).is_none());
        drop(send);
    }
}
