//! Outbound `fetch` from the code under test: refused unless the host is allowed
//! (`dols test --allow-fetch HOST`, or `allow_fetch` in the `[test]` section of `dols.toml`),
//! and then sent for real — on a worker thread, so the JavaScript thread never waits for the
//! network. The result comes back as a *host completion*: the event loop takes it as a
//! macrotask of the runtime that started the request (see `Engine::fetched`), which settles the
//! promise the prelude's `hostWait` gave out, through the output gate's list as RPC results do.
//!
//! One request here is one HTTP exchange: redirects are followed by `web.js`, which resolves
//! the `Location` against the URL with the runtime's own `URL`, applies the fetch standard's
//! method and header rules and asks for the next hop — each hop checked against the allowed
//! hosts again.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

/// One allowed host pattern: `api.example.com`, `127.0.0.1:8787`, `*.example.org`,
/// `[::1]:8080`, or `*` (every host).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    /// Lower-case host, `*`, or `*.` followed by a domain.
    host: String,
    /// The port the pattern names, if it names one (otherwise every port).
    port: Option<u16>,
}

impl HostPattern {
    /// Reads one pattern; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let s = text.trim();
        let bad = |why: &str| {
            Err(format!(
                "`{text}` is not a host pattern for fetch: {why} (write a host such as `api.example.com`, a host and port such as `127.0.0.1:8787`, `*.example.org` for its subdomains, or `*` for every host)"
            ))
        };
        if s.is_empty() {
            return bad("it is empty");
        }
        if s.contains("://") || s.contains('/') {
            return bad("give the host only, without a scheme or a path");
        }
        if s == "*" {
            return Ok(HostPattern { host: "*".into(), port: None });
        }
        let (host, port) = if let Some(rest) = s.strip_prefix('[') {
            // An IPv6 address: `[::1]` or `[::1]:8080`.
            let Some(end) = rest.find(']') else {
                return bad("an IPv6 address needs its closing `]`");
            };
            let after = &rest[end + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return bad("unexpected text after `]`"),
            };
            (format!("[{}]", &rest[..end]), port)
        } else {
            match s.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (s.to_string(), None),
            }
        };
        let port = match port {
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => Some(n),
                _ => return bad("the port must be a number from 1 to 65535"),
            },
            None => None,
        };
        let host = host.to_ascii_lowercase();
        let name = host.strip_prefix("*.").unwrap_or(&host);
        if name.is_empty() || name.contains('*') {
            return bad("`*` may only stand alone or begin the pattern as `*.`");
        }
        if !host.starts_with('[')
            && !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
        {
            return bad("a host has only letters, digits, `-`, `_` and `.`");
        }
        Ok(HostPattern { host, port })
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        if self.port.is_some_and(|p| p != port) {
            return false;
        }
        match self.host.strip_prefix("*.") {
            _ if self.host == "*" => true,
            Some(domain) => host.len() > domain.len() + 1
                && host.ends_with(domain)
                && host.as_bytes()[host.len() - domain.len() - 1] == b'.',
            None => self.host == host,
        }
    }
}

impl std::fmt::Display for HostPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.port {
            Some(p) => write!(f, "{}:{p}", self.host),
            None => f.write_str(&self.host),
        }
    }
}

/// Reads a list of patterns as given on the command line: comma-separated.
pub fn parse_host_list(text: &str) -> Result<Vec<HostPattern>, String> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(HostPattern::parse)
        .collect()
}

/// The hosts a run may reach, and the client that reaches them (made on the first request).
pub(crate) struct FetchConfig {
    allow: Vec<HostPattern>,
    /// The largest response body taken (the runtime's memory limit: a larger one could not be
    /// held anyway).
    body_limit: u64,
    agent: OnceLock<ureq::Agent>,
}

impl FetchConfig {
    pub(crate) fn new(allow: Vec<HostPattern>, body_limit: u64) -> FetchConfig {
        FetchConfig { allow, body_limit, agent: OnceLock::new() }
    }

    fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| {
            use ureq::config::AutoHeaderValue;
            ureq::Agent::config_builder()
                // Statuses and redirects are the fetch API's business, not the client's.
                .http_status_as_error(false)
                .max_redirects(0)
                .max_redirects_will_error(false)
                // Direct connections, as workerd makes them (no proxy from the environment),
                // and only the headers the code under test sets (plus `host`, the framing
                // headers): no user agent, `accept` or `accept-encoding` of the client's own.
                .proxy(None)
                .user_agent(AutoHeaderValue::None)
                .accept(AutoHeaderValue::None)
                .accept_encoding(AutoHeaderValue::None)
                .allow_non_standard_methods(true)
                .build()
                .new_agent()
        })
    }

    /// Whether `url` (an absolute http(s) URL as `URL.href` spells it) may be fetched; else
    /// the refusal's text, which says how to allow it.
    fn check(&self, url: &str) -> Result<(), String> {
        let Some((scheme, host, port, explicit_port)) = split_url(url) else {
            return Err(format!("Fetch API cannot load: {url}"));
        };
        let _ = scheme;
        if self.allow.iter().any(|p| p.matches(&host, port)) {
            return Ok(());
        }
        let suggestion = if explicit_port { format!("{host}:{port}") } else { host.clone() };
        let how = format!(
            "To allow it, run `dols test --allow-fetch {suggestion}`, or add \"{suggestion}\" to `allow_fetch` in the `[test]` section of dols.toml."
        );
        Err(if self.allow.is_empty() {
            format!(
                "Outbound fetch() of {url} refused: dols test sends no request to the network unless its host is allowed. {how}"
            )
        } else {
            let list: Vec<String> = self.allow.iter().map(ToString::to_string).collect();
            format!(
                "Outbound fetch() of {url} refused: {suggestion} is not among the hosts dols test may reach ({}). {how}",
                list.join(", ")
            )
        })
    }
}

/// Scheme, lower-case host (IPv6 in brackets), effective port and whether the URL names the
/// port, of an http(s) URL.
fn split_url(url: &str) -> Option<(&str, String, u16, bool)> {
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match hostport.rfind(':') {
        Some(i) if !hostport[i..].contains(']') => (&hostport[..i], Some(&hostport[i + 1..])),
        _ => (hostport, None),
    };
    let port = match port.filter(|p| !p.is_empty()) {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    if host.is_empty() {
        return None;
    }
    Some((scheme, host.to_ascii_lowercase(), port.unwrap_or(default), port.is_some()))
}

/// A request as `web.js` hands it over.
pub(crate) struct Outgoing {
    pub(crate) id: u64,
    pub(crate) url: String,
    pub(crate) method: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<Vec<u8>>,
}

/// A response: status, the standard reason phrase, headers in the order received, the body.
pub(crate) struct Fetched {
    pub(crate) status: u16,
    pub(crate) status_text: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

/// A finished request, for the runtime that started it.
pub(crate) struct Done {
    pub(crate) id: u64,
    pub(crate) result: Result<Fetched, String>,
}

/// Where the worker threads hand finished requests: to the one runtime's event loop, or to
/// the coordinator of a run with objects on threads of their own.
pub(crate) type DoneSink = Arc<dyn Fn(Done) + Send + Sync>;

/// One runtime's outbound requests.
pub(crate) struct Net {
    config: Arc<FetchConfig>,
    sink: DoneSink,
    next_id: Cell<u64>,
    /// Requests of the current turn, sent once its writes are committed (the output gate).
    queued: RefCell<Vec<Outgoing>>,
    /// Requests started and not yet delivered (nor cancelled by an abort).
    in_flight: RefCell<HashSet<u64>>,
}

impl Net {
    pub(crate) fn new(config: Arc<FetchConfig>, sink: DoneSink) -> Net {
        Net {
            config,
            sink,
            next_id: Cell::new(0),
            queued: RefCell::new(Vec::new()),
            in_flight: RefCell::new(HashSet::new()),
        }
    }

    /// A runtime that cannot reach the network (evaluating a script for a unit test).
    pub(crate) fn offline() -> Net {
        Net::new(Arc::new(FetchConfig::new(Vec::new(), 0)), Arc::new(|_| {}))
    }

    /// Takes a request: its id, or the refusal's text.
    pub(crate) fn start(
        &self,
        url: String,
        method: String,
        headers: Vec<(String, String)>,
        body: Option<Vec<u8>>,
    ) -> Result<u64, String> {
        self.config.check(&url)?;
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        self.in_flight.borrow_mut().insert(id);
        self.queued.borrow_mut().push(Outgoing { id, url, method, headers, body });
        Ok(id)
    }

    /// Forgets a request (its signal was aborted): its result, if it comes, is dropped.
    pub(crate) fn cancel(&self, id: u64) {
        self.in_flight.borrow_mut().remove(&id);
        self.queued.borrow_mut().retain(|r| r.id != id);
    }

    /// Whether a finished request is still awaited (and is no longer after this).
    pub(crate) fn take(&self, id: u64) -> bool {
        self.in_flight.borrow_mut().remove(&id)
    }

    /// Requests started and not yet delivered.
    pub(crate) fn pending(&self) -> usize {
        self.in_flight.borrow().len()
    }

    /// Sends the queued requests, each on a worker thread of its own.
    pub(crate) fn send_queued(&self) {
        let queued = std::mem::take(&mut *self.queued.borrow_mut());
        for req in queued {
            let (config, sink) = (self.config.clone(), self.sink.clone());
            let id = req.id;
            let spawned = std::thread::Builder::new()
                .name("dols fetch".into())
                .spawn(move || {
                    // The run waits for this answer: a panic must still give one.
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| send(&config, req)))
                        .unwrap_or_else(|_| Err("the request failed inside dols (a panic)".to_string()));
                    sink(Done { id, result });
                });
            if let Err(e) = spawned {
                (self.sink)(Done { id, result: Err(format!("cannot start a thread for the request: {e}")) });
            }
        }
    }
}

/// Headers the client sets itself, from the body it sends.
const FRAMING: [&str; 2] = ["content-length", "transfer-encoding"];

/// One HTTP exchange.
fn send(config: &FetchConfig, req: Outgoing) -> Result<Fetched, String> {
    let Outgoing { url, method, headers, body, .. } = req;
    let failed = |e: &dyn std::fmt::Display| format!("fetch() of {url} failed: {e}");
    let mut builder = ureq::http::Request::builder().method(method.as_bytes()).uri(url.as_str());
    for (name, value) in &headers {
        if !FRAMING.contains(&name.as_str()) {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    let agent = config.agent();
    let response = match body {
        Some(bytes) => builder.body(bytes).map_err(|e| failed(&e)).and_then(|r| agent.run(r).map_err(|e| failed(&e))),
        None => builder.body(()).map_err(|e| failed(&e)).and_then(|r| agent.run(r).map_err(|e| failed(&e))),
    }?;
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            // Header values are bytes; the fetch API reads them as Latin-1.
            (name.as_str().to_string(), value.as_bytes().iter().map(|&b| b as char).collect())
        })
        .collect();
    let body = response
        .into_body()
        .into_with_config()
        .limit(config.body_limit)
        .read_to_vec()
        .map_err(|e| failed(&e))?;
    Ok(Fetched {
        status: status.as_u16(),
        status_text: status.canonical_reason().unwrap_or("").to_string(),
        headers,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(patterns: &[&str], url: &str) -> bool {
        let allow = patterns.iter().map(|p| HostPattern::parse(p).unwrap()).collect();
        FetchConfig::new(allow, 0).check(url).is_ok()
    }

    #[test]
    fn patterns_match_hosts_ports_and_subdomains() {
        assert!(allows(&["api.example.com"], "https://api.example.com/v1"));
        assert!(allows(&["API.Example.com"], "http://api.example.com:8080/"));
        assert!(!allows(&["api.example.com"], "https://example.com/"));
        assert!(allows(&["127.0.0.1:8787"], "http://127.0.0.1:8787/x"));
        assert!(!allows(&["127.0.0.1:8787"], "http://127.0.0.1:8788/x"));
        assert!(!allows(&["127.0.0.1:8787"], "http://127.0.0.1/x"));
        assert!(allows(&["example.com:443"], "https://example.com/"));
        assert!(allows(&["*.example.org"], "https://a.b.example.org/"));
        assert!(!allows(&["*.example.org"], "https://example.org/"));
        assert!(!allows(&["*.example.org"], "https://badexample.org/"));
        assert!(allows(&["[::1]:8080"], "http://[::1]:8080/"));
        assert!(!allows(&["[::1]:8080"], "http://[::1]:8081/"));
        assert!(allows(&["*"], "https://anything.test/"));
        assert!(allows(&["localhost"], "http://user:pw@localhost:3000/"));
        assert!(!allows(&[], "https://example.com/"));
    }

    #[test]
    fn bad_patterns_say_what_to_write() {
        for p in ["", "https://api.example.com", "api.example.com/v1", "a.*.com", "host:0", "host:x", "[::1", "a b"] {
            let e = HostPattern::parse(p).unwrap_err();
            assert!(e.contains("is not a host pattern for fetch"), "{p}: {e}");
        }
        assert_eq!(parse_host_list("a.test, b.test:81,,").unwrap().len(), 2);
    }

    #[test]
    fn the_refusal_says_how_to_allow_the_host() {
        let none = FetchConfig::new(Vec::new(), 0);
        assert_eq!(
            none.check("http://127.0.0.1:8787/x").unwrap_err(),
            "Outbound fetch() of http://127.0.0.1:8787/x refused: dols test sends no request to the network unless its host is allowed. To allow it, run `dols test --allow-fetch 127.0.0.1:8787`, or add \"127.0.0.1:8787\" to `allow_fetch` in the `[test]` section of dols.toml."
        );
        let some = FetchConfig::new(parse_host_list("a.test,*.b.test").unwrap(), 0);
        assert_eq!(
            some.check("https://c.test/").unwrap_err(),
            "Outbound fetch() of https://c.test/ refused: c.test is not among the hosts dols test may reach (a.test, *.b.test). To allow it, run `dols test --allow-fetch c.test`, or add \"c.test\" to `allow_fetch` in the `[test]` section of dols.toml."
        );
    }
}
