//! The simulated system: services, who calls whom, and what each one serves. A request
//! enters at `gateway` and fans out along these edges, so the spans of a trace follow a
//! plausible call graph and an outage in one service shows up upstream of it.

/// One endpoint a service serves: method, path, and whether the path ends in an id.
#[derive(Clone, Copy, Debug)]
pub struct Op {
    pub method: &'static str,
    pub path: &'static str,
    pub with_id: bool,
}

const fn op(method: &'static str, path: &'static str, with_id: bool) -> Op {
    Op { method, path, with_id }
}

/// Named services in the order `services: n` takes them, with the index of their caller.
const NAMED: [(&str, usize, &[Op]); 12] = [
    (
        "gateway",
        0,
        &[
            op("GET", "/api/orders/", true),
            op("POST", "/api/checkout", false),
            op("GET", "/api/products/", true),
            op("POST", "/api/login", false),
        ],
    ),
    ("checkout", 0, &[op("POST", "/internal/checkout/", true), op("GET", "/internal/orders/", true)]),
    ("payments", 1, &[op("POST", "/internal/payments/charge", false), op("POST", "/internal/payments/refund", false)]),
    ("inventory", 1, &[op("GET", "/internal/stock/", true), op("POST", "/internal/stock/reserve", false)]),
    ("auth", 0, &[op("POST", "/internal/auth/verify", false), op("GET", "/internal/auth/session/", true)]),
    ("shipping", 1, &[op("POST", "/internal/shipments", false), op("GET", "/internal/shipments/", true)]),
    ("notifications", 2, &[op("POST", "/internal/notify/email", false)]),
    ("search", 0, &[op("GET", "/internal/search/", true)]),
    ("catalog", 7, &[op("GET", "/internal/catalog/items/", true)]),
    ("users", 4, &[op("GET", "/internal/users/", true)]),
    ("pricing", 8, &[op("POST", "/internal/pricing/quote", false)]),
    ("ledger", 2, &[op("POST", "/internal/ledger/entries", false)]),
];

const GENERIC_OPS: &[Op] = &[op("GET", "/internal/resources/", true), op("POST", "/internal/jobs", false)];

/// The most services a run can have.
pub const MAX_SERVICES: u32 = 64;

pub struct Service {
    pub name: String,
    /// Java package used in stack frames (`com.shop.payments`).
    pub package: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub ops: &'static [Op],
}

pub struct Topology {
    pub services: Vec<Service>,
}

impl Topology {
    /// The first `n` services (1..=MAX_SERVICES): the named ones, then `svc13`, `svc14`...
    pub fn new(n: usize) -> Topology {
        let mut services: Vec<Service> = (0..n)
            .map(|i| {
                let (name, parent, ops) = match NAMED.get(i) {
                    Some(&(name, parent, ops)) => (name.to_string(), parent, ops),
                    None => (format!("svc{}", i + 1), (i - 1) / 2, GENERIC_OPS),
                };
                Service {
                    package: format!("com.shop.{name}"),
                    name,
                    parent: (i > 0).then_some(parent),
                    children: Vec::new(),
                    ops,
                }
            })
            .collect();
        for i in 1..n {
            if let Some(p) = services[i].parent {
                services[p].children.push(i);
            }
        }
        Topology { services }
    }

    /// The service an incident starts in: `payments` when there is one (it has callers
    /// above it), otherwise the deepest service there is.
    pub fn root_cause(&self) -> usize {
        2.min(self.services.len().saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn call_graph_is_a_tree_rooted_at_the_gateway() {
        let t = Topology::new(MAX_SERVICES as usize);
        assert_eq!(t.services[0].name, "gateway");
        assert_eq!(t.services[2].name, "payments");
        for (i, s) in t.services.iter().enumerate().skip(1) {
            assert!(s.parent.unwrap() < i, "{} calls upward", s.name);
        }
        assert_eq!(t.services[12].name, "svc13");
        assert_eq!(Topology::new(5).services[1].children, vec![2, 3]);
        assert_eq!(Topology::new(1).root_cause(), 0);
    }
}
