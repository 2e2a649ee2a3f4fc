//! What a format parser extracts from one record: the few values the index stores in its
//! columns. Everything else is re-parsed lazily from the record bytes when a query needs it.

/// A byte range relative to the start of the line a parser was given.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: start as u32, len: end.saturating_sub(start) as u32 }
    }
    pub fn end(&self) -> usize {
        (self.start + self.len) as usize
    }
    pub fn slice<'a>(&self, line: &'a [u8]) -> &'a [u8] {
        line.get(self.start as usize..self.end()).unwrap_or(&[])
    }
}

/// The id columns every entry has (0 = absent in the index).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdKind {
    Thread = 0,
    Request = 1,
    Trace = 2,
    Span = 3,
    Parent = 4,
    Service = 5,
}

pub const ID_KINDS: [IdKind; 6] =
    [IdKind::Thread, IdKind::Request, IdKind::Trace, IdKind::Span, IdKind::Parent, IdKind::Service];

impl IdKind {
    pub fn name(self) -> &'static str {
        match self {
            IdKind::Thread => "thread",
            IdKind::Request => "request",
            IdKind::Trace => "trace",
            IdKind::Span => "span",
            IdKind::Parent => "parent",
            IdKind::Service => "service",
        }
    }
    pub fn from_name(s: &str) -> Option<IdKind> {
        Some(match s {
            "thread" | "tid" => IdKind::Thread,
            "request" | "req" | "correlation" => IdKind::Request,
            "trace" => IdKind::Trace,
            "span" => IdKind::Span,
            "parent" | "parent_span" => IdKind::Parent,
            "service" => IdKind::Service,
            _ => return None,
        })
    }
}

/// The result of parsing one record's first line.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct Parsed {
    /// UTC nanoseconds since the epoch.
    pub ts: Option<i64>,
    /// OpenTelemetry severity number, 0 when the record has no level.
    pub level: u8,
    /// The level as written (`WARN`, `50`, `warning`), kept for display.
    pub level_text: Option<Span>,
    /// The human message. For JSON it is the string's contents between the quotes.
    pub message: Span,
    /// The message holds JSON escapes (`\n`, `\"`, `\u00e9`) to decode when materialized.
    pub message_escaped: bool,
    /// Id values by `IdKind` (raw bytes, not unescaped).
    pub ids: [Option<Span>; 6],
    /// Component / logger / class name, when the layout has one (not stored in the index).
    pub component: Option<Span>,
    /// Process id or other numeric header field (not stored in the index).
    pub pid: Option<Span>,
    /// The timestamp had no year (`Jun 14 15:16:01`): the year came from the context, and
    /// the indexer rolls it over where the file crosses New Year.
    pub year_less: bool,
}

impl Parsed {
    pub fn reset(&mut self) {
        *self = Parsed::default();
    }
    pub fn set_id(&mut self, kind: IdKind, span: Span) {
        if span.len > 0 {
            self.ids[kind as usize] = Some(span);
        }
    }
}
