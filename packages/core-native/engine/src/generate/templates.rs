//! Message templates with parameters, written straight into the output buffer, and Java-style
//! stack traces. Templates never contain `"` or `\`, so JSON and logfmt need no escaping.

use super::request::SpanInfo;
use super::rng::Rng;
use super::topology::{Service, Topology};
use super::write::{put, put_padded, put_u64};

/// Levels the generator writes, in the order of `GenerateSummary::levels`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lvl {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

impl Lvl {
    pub fn lower(self) -> &'static [u8] {
        match self {
            Lvl::Debug => b"debug",
            Lvl::Info => b"info",
            Lvl::Warn => b"warn",
            Lvl::Error => b"error",
        }
    }
    /// log4j's `%-5p`.
    pub fn padded_upper(self) -> &'static [u8] {
        match self {
            Lvl::Debug => b"DEBUG",
            Lvl::Info => b"INFO ",
            Lvl::Warn => b"WARN ",
            Lvl::Error => b"ERROR",
        }
    }
}

/// The message the root-cause service logs during an incident (ground truth).
pub const ROOT_CAUSE_MESSAGE: &str = "database connection pool exhausted";

const CACHE_KINDS: &[&[u8]] = &[b"order:", b"product:", b"session:", b"user:", b"cart:"];
const TABLES: &[&[u8]] = &[b"orders", b"order_items", b"payments", b"stock", b"users", b"sessions"];
const EVENTS: &[&[u8]] = &[b"OrderPlaced", b"PaymentCaptured", b"StockReserved", b"UserLoggedIn", b"ShipmentCreated"];
const TOPICS: &[&[u8]] = &[b"orders.v1", b"payments.v1", b"inventory.v1", b"audit.v1"];
const STATES: &[&[u8]] = &[b"PENDING", b"PAID", b"PACKED", b"SHIPPED", b"CANCELLED"];
const AUTH: &[&[u8]] = &[b"token", b"session", b"password", b"api-key"];
const REASONS: &[&[u8]] =
    &[b"invalid state transition", b"missing line items", b"card declined", b"address not deliverable"];

fn pick(rng: &mut Rng, items: &[&'static [u8]]) -> &'static [u8] {
    items[rng.below(items.len() as u64) as usize]
}

fn ip(b: &mut Vec<u8>, rng: &mut Rng) {
    put(b, b"10.");
    put_u64(b, rng.below(256));
    b.push(b'.');
    put_u64(b, rng.below(256));
    b.push(b'.');
    put_u64(b, rng.range(1, 254));
}

fn order_id(b: &mut Vec<u8>, rng: &mut Rng) {
    put_u64(b, rng.range(100_000, 999_999));
}

/// `GET /api/orders/12345`
pub fn request_line(b: &mut Vec<u8>, s: &SpanInfo) {
    put(b, s.op.method.as_bytes());
    b.push(b' ');
    put(b, s.op.path.as_bytes());
    if s.op.with_id {
        put_u64(b, s.path_id);
    }
}

/// Something this service calls: one of its downstream services, or an external dependency
/// for a leaf service (so that "timeout calling X" always points downstream).
fn callee<'a>(topo: &'a Topology, me: usize, rng: &mut Rng) -> &'a [u8] {
    let children = &topo.services[me].children;
    if children.is_empty() || rng.below(4) == 0 {
        return pick(rng, &[b"postgres", b"redis", b"kafka"]);
    }
    topo.services[children[rng.below(children.len() as u64) as usize]].name.as_bytes()
}

/// The first record of a span.
pub fn start(b: &mut Vec<u8>, rng: &mut Rng, lvl: Lvl, s: &SpanInfo, topo: &Topology) {
    match lvl {
        Lvl::Debug => {
            put(b, b"received ");
            request_line(b, s);
            put(b, b" from ");
            ip(b, rng);
        }
        Lvl::Info => {
            request_line(b, s);
            put(b, b" started");
        }
        Lvl::Warn => {
            request_line(b, s);
            put(b, b" queued for ");
            put_u64(b, rng.range(50, 900));
            put(b, b"ms before a worker was free");
        }
        Lvl::Error => event(b, rng, lvl, s, topo),
    }
}

/// Something that happens while a span runs.
pub fn event(b: &mut Vec<u8>, rng: &mut Rng, lvl: Lvl, s: &SpanInfo, topo: &Topology) {
    let me = s.service as usize;
    match (lvl, rng.below(4)) {
        (Lvl::Debug, 0 | 1) => {
            put(b, if rng.below(3) == 0 { b"cache hit for key " } else { b"cache miss for key " });
            put(b, pick(rng, CACHE_KINDS));
            put_u64(b, rng.range(1000, 99_999));
        }
        (Lvl::Debug, 2) => {
            put(b, b"acquired db connection in ");
            put_u64(b, rng.range(0, 12));
            put(b, b"ms active=");
            put_u64(b, rng.range(1, 30));
        }
        (Lvl::Debug, _) => {
            put(b, b"loaded ");
            put_u64(b, rng.range(0, 250));
            put(b, b" rows from ");
            put(b, pick(rng, TABLES));
            put(b, b" in ");
            put_u64(b, rng.range(1, 40));
            put(b, b"ms");
        }
        (Lvl::Info, 0) => {
            put(b, b"user u-");
            put_u64(b, rng.range(1000, 99_999));
            put(b, b" authenticated via ");
            put(b, pick(rng, AUTH));
        }
        (Lvl::Info, 1) => {
            put(b, b"reserved ");
            put_u64(b, rng.range(1, 9));
            put(b, b" items for order ");
            order_id(b, rng);
        }
        (Lvl::Info, 2) => {
            put(b, b"published event ");
            put(b, pick(rng, EVENTS));
            put(b, b" to topic ");
            put(b, pick(rng, TOPICS));
        }
        (Lvl::Info, _) => {
            put(b, b"order ");
            order_id(b, rng);
            put(b, b" state changed to ");
            put(b, pick(rng, STATES));
        }
        (Lvl::Warn, 0) => {
            put(b, b"slow query on ");
            put(b, pick(rng, TABLES));
            put(b, b" took ");
            put_u64(b, rng.range(500, 4000));
            put(b, b"ms");
        }
        (Lvl::Warn, 1) => {
            put(b, b"retrying call to ");
            put(b, callee(topo, me, rng));
            put(b, b" attempt ");
            put_u64(b, rng.range(1, 3));
            put(b, b" of 3");
        }
        (Lvl::Warn, 2) => {
            put(b, b"cache eviction rate high: ");
            put_u64(b, rng.range(20, 95));
            put(b, b"%");
        }
        (Lvl::Warn, _) => {
            put(b, b"rate limit near threshold for client ");
            ip(b, rng);
        }
        (Lvl::Error, 0) => {
            put(b, b"connection reset by peer ");
            ip(b, rng);
            b.push(b':');
            put_u64(b, rng.range(1024, 65_535));
        }
        (Lvl::Error, 1) => {
            put(b, b"timeout after ");
            put_u64(b, rng.range(1, 10) * 500);
            put(b, b"ms calling ");
            put(b, callee(topo, me, rng));
        }
        (Lvl::Error, 2) => {
            put(b, b"failed to process order ");
            order_id(b, rng);
            put(b, b": ");
            put(b, pick(rng, REASONS));
        }
        (Lvl::Error, _) => {
            put(b, b"unexpected response from ");
            put(b, callee(topo, me, rng));
            put(b, b": status=");
            put_u64(b, *rng.pick(&[500u64, 502, 503, 504]));
        }
    }
}

/// The last record of a span; returns the status it reports.
pub fn end(b: &mut Vec<u8>, rng: &mut Rng, lvl: Lvl, s: &SpanInfo, duration_ms: u64) -> u64 {
    let status = match lvl {
        Lvl::Debug | Lvl::Info => *rng.pick(&[200u64, 200, 200, 201, 204]),
        Lvl::Warn => *rng.pick(&[200u64, 404, 409, 429]),
        Lvl::Error => *rng.pick(&[500u64, 502, 503]),
    };
    request_line(b, s);
    put(
        b,
        match (lvl, status) {
            (Lvl::Error, _) => b" failed in ",
            (Lvl::Warn, 200) => b" completed slowly in ",
            _ => b" completed in ",
        },
    );
    put_u64(b, duration_ms);
    put(b, b"ms status=");
    put_u64(b, status);
    status
}

/// The last record of a span that failed in the incident.
pub fn end_failed(b: &mut Vec<u8>, s: &SpanInfo, duration_ms: u64, status: u64) {
    request_line(b, s);
    put(b, b" failed in ");
    put_u64(b, duration_ms);
    put(b, b"ms status=");
    put_u64(b, status);
}

pub fn root_cause(b: &mut Vec<u8>, rng: &mut Rng) {
    put(b, ROOT_CAUSE_MESSAGE.as_bytes());
    put(b, b" (active=50, idle=0, waiting=");
    put_u64(b, rng.range(20, 400));
    b.push(b')');
}

pub fn pool_warn(b: &mut Vec<u8>, rng: &mut Rng) {
    put(b, b"connection pool usage high: active=");
    put_u64(b, rng.range(42, 49));
    put(b, b"/50");
}

/// What a span logs when a call below it failed: a timeout for the direct caller of the
/// root cause, a propagated 5xx further up.
pub fn upstream(b: &mut Vec<u8>, rng: &mut Rng, child: &Service, child_is_root: bool) {
    if child_is_root {
        put(b, b"timeout after ");
        put_u64(b, *rng.pick(&[3000u64, 5000, 10_000]));
        put(b, b"ms calling ");
        put(b, child.name.as_bytes());
    } else {
        put(b, b"call to ");
        put(b, child.name.as_bytes());
        put(b, b" failed: status=500");
    }
}

const CLASSES: &[&[u8]] =
    &[b"OrderService", b"RequestHandler", b"Repository", b"HttpClient", b"RetryTemplate", b"EventPublisher"];
const METHODS: &[&[u8]] = &[b"handle", b"process", b"execute", b"save", b"load", b"call", b"apply"];
const EXCEPTIONS: &[&[u8]] = &[
    b"java.net.SocketException: Connection reset",
    b"java.util.concurrent.TimeoutException: deadline exceeded",
    b"java.lang.IllegalStateException: order in invalid state",
    b"java.io.UncheckedIOException: stream closed",
];

/// A multi-line Java stack trace, each line ending in a newline (continuation lines of the
/// record written just before it).
pub fn stack_trace(b: &mut Vec<u8>, rng: &mut Rng, svc: &Service, root_cause: bool) -> u64 {
    let mut lines = 1;
    if root_cause {
        put(b, b"java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n");
        for f in [
            &b"com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)"[..],
            b"com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)",
            b"com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:128)",
        ] {
            put(b, b"\tat ");
            put(b, f);
            b.push(b'\n');
            lines += 1;
        }
    } else {
        put(b, pick(rng, EXCEPTIONS));
        b.push(b'\n');
    }
    for _ in 0..rng.range(3, 6) {
        let class = pick(rng, CLASSES);
        put(b, b"\tat ");
        put(b, svc.package.as_bytes());
        b.push(b'.');
        put(b, class);
        b.push(b'.');
        put(b, pick(rng, METHODS));
        b.push(b'(');
        put(b, class);
        put(b, b".java:");
        put_u64(b, rng.range(20, 400));
        put(b, b")\n");
        lines += 1;
    }
    put(b, b"\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1136)\n");
    put(b, b"\tat java.base/java.lang.Thread.run(Thread.java:833)\n");
    lines += 2;
    if !root_cause && rng.below(3) == 0 {
        put(b, b"Caused by: java.io.IOException: Broken pipe\n\t... ");
        put_padded(b, rng.range(5, 30), 1);
        put(b, b" more\n");
        lines += 2;
    }
    lines
}
