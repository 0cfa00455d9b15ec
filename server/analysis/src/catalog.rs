//! The Durable Objects API catalog: every receiver type and its members, kept as data in
//! `server/analysis/catalog/*.toml` and compiled in. Completion, hover, signature help and the
//! generated reference page (`docs/reference/api.md`) all read from here.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// One receiver type (an interface of the runtime), e.g. `DurableObjectStorage`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// The TypeScript name, e.g. `SqlStorage`.
    pub name: String,
    /// One sentence: what a value of this type is.
    pub summary: String,
    /// Official documentation page.
    pub link: String,
    /// Semantics that concern the type as a whole rather than one member, one Markdown
    /// paragraph each.
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default, rename = "member")]
    pub members: Vec<Member>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberKind {
    Method,
    Property,
    /// A method of a class body that the runtime calls (handlers of `DurableObject`).
    Handler,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sync {
    /// Returns its result directly.
    Sync,
    /// Returns a Promise.
    Async,
    /// A handler that may be either.
    Either,
    /// A property: no call.
    Value,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    pub kind: MemberKind,
    /// One entry per overload. For a property: its declaration, e.g. `readonly storage: DurableObjectStorage`.
    #[serde(rename = "signature")]
    pub signatures: Vec<Signature>,
    /// The catalog receiver that the value (property) or the result (method, after `await`
    /// for async ones) has, when it is one of ours: this is how receivers chain.
    #[serde(default)]
    pub returns: Option<String>,
    pub sync: Sync,
    /// Needs the SQLite storage backend (`new_sqlite_classes`).
    #[serde(default)]
    pub sqlite_only: bool,
    /// Only with the `experimental` compatibility flag.
    #[serde(default)]
    pub experimental: bool,
    /// Concise description, our own words, Markdown.
    pub doc: String,
    /// The semantics that bite, one Markdown paragraph each.
    #[serde(default)]
    pub notes: Vec<String>,
    /// LSP snippet inserted on completion (`$1`, `${1:name}`), e.g. `exec(${1:query})`.
    #[serde(default)]
    pub snippet: Option<String>,
    /// Official documentation page for this member (defaults to the receiver's link).
    #[serde(default)]
    pub link: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The full TypeScript signature, e.g. `exec<T>(query: string, ...bindings: any[]): SqlStorageCursor<T>`.
    pub label: String,
    #[serde(default, rename = "param")]
    pub params: Vec<Param>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// The parameter as it appears in `label`, e.g. `options?: DurableObjectGetOptions`.
    pub label: String,
    /// What to pass.
    pub doc: String,
}

/// A class-body snippet offered inside a class that extends `DurableObject`
/// (handlers, the constructor with its schema set-up).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassSnippet {
    /// What the user types to get it, e.g. `alarm`.
    pub trigger: String,
    pub label: String,
    pub detail: String,
    pub doc: String,
    pub body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SnippetFile {
    #[serde(rename = "snippet")]
    snippets: Vec<ClassSnippet>,
}

#[derive(Debug)]
pub struct Catalog {
    pub receivers: Vec<Receiver>,
    pub class_snippets: Vec<ClassSnippet>,
    /// Each receiver's position, and each of its members' positions, by name: the analysis
    /// looks members up for every call it types.
    index: FxHashMap<String, (usize, FxHashMap<String, usize>)>,
}

/// The catalog files, in the order the reference page lists them.
const RECEIVER_FILES: &[(&str, &str)] = &[
    ("durable_object.toml", include_str!("../catalog/durable_object.toml")),
    ("state.toml", include_str!("../catalog/state.toml")),
    ("storage.toml", include_str!("../catalog/storage.toml")),
    ("transaction.toml", include_str!("../catalog/transaction.toml")),
    ("sql.toml", include_str!("../catalog/sql.toml")),
    ("cursor.toml", include_str!("../catalog/cursor.toml")),
    ("kv.toml", include_str!("../catalog/kv.toml")),
    ("namespace.toml", include_str!("../catalog/namespace.toml")),
    ("id.toml", include_str!("../catalog/id.toml")),
    ("stub.toml", include_str!("../catalog/stub.toml")),
    ("websocket.toml", include_str!("../catalog/websocket.toml")),
    ("alarm_info.toml", include_str!("../catalog/alarm_info.toml")),
];
const SNIPPETS_FILE: &str = include_str!("../catalog/snippets.toml");

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    load().unwrap_or_else(|e| panic!("the compiled-in API catalog is invalid: {e}"))
});

/// The compiled-in catalog. Its files are checked by a unit test, so loading cannot fail in a
/// released binary.
pub fn catalog() -> &'static Catalog {
    &CATALOG
}

fn load() -> Result<Catalog, String> {
    let mut receivers = Vec::new();
    for (file, text) in RECEIVER_FILES {
        let r: Receiver = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        receivers.push(r);
    }
    let snippets: SnippetFile =
        toml::from_str(SNIPPETS_FILE).map_err(|e| format!("snippets.toml: {e}"))?;
    Ok(Catalog::new(receivers, snippets.snippets))
}

impl Catalog {
    fn new(receivers: Vec<Receiver>, class_snippets: Vec<ClassSnippet>) -> Catalog {
        let index = receivers
            .iter()
            .enumerate()
            .map(|(i, r)| {
                // The first of several entries of one name wins, as a search from the start finds.
                let mut members = FxHashMap::default();
                for (k, m) in r.members.iter().enumerate() {
                    members.entry(m.name.clone()).or_insert(k);
                }
                (r.name.clone(), (i, members))
            })
            .rev()
            .collect();
        Catalog { receivers, class_snippets, index }
    }

    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.index.get(name).map(|(i, _)| &self.receivers[*i])
    }
    pub fn member(&self, receiver: &str, member: &str) -> Option<(&Receiver, &Member)> {
        let (i, members) = self.index.get(receiver)?;
        let r = &self.receivers[*i];
        members.get(member).map(|k| (r, &r.members[*k]))
    }
}

impl Member {
    pub fn link<'a>(&'a self, receiver: &'a Receiver) -> &'a str {
        self.link.as_deref().unwrap_or(&receiver.link)
    }

    /// The receiver named by `returns`, and whether the value is an array of it
    /// (`WebSocket[]` gives `("WebSocket", true)`).
    pub fn returned_receiver(&self) -> Option<(&str, bool)> {
        let returns = self.returns.as_deref()?;
        Some(match returns.strip_suffix("[]") {
            Some(element) => (element, true),
            None => (returns, false),
        })
    }
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::Method => "method",
            MemberKind::Property => "property",
            MemberKind::Handler => "handler",
        }
    }
}

/// The documentation of one member as Markdown: its signature(s) in a `ts` block, what kind
/// of member it is and whether it returns a Promise, the SQLite-only and experimental marks,
/// the description, the notes and the link. Hover shows exactly this, and the generated
/// reference page is built from it.
pub fn member_markdown(receiver: &Receiver, member: &Member) -> String {
    let mut out = String::from("```ts\n");
    for signature in &member.signatures {
        out.push_str(&signature.label);
        out.push('\n');
    }
    out.push_str("```\n\n");

    out.push_str(&format!("`{}` {}", receiver.name, member.kind.as_str()));
    let calling = match member.sync {
        Sync::Sync => Some("synchronous"),
        Sync::Async => Some("async, returns a Promise"),
        Sync::Either => Some("may be synchronous or async"),
        Sync::Value => None,
    };
    if let Some(calling) = calling {
        out.push_str(" · ");
        out.push_str(calling);
    }
    out.push_str("\n\n");

    if member.sqlite_only {
        out.push_str("**SQLite-backed classes only** (`new_sqlite_classes`).\n\n");
    }
    if member.experimental {
        out.push_str("**Experimental**: needs the `experimental` compatibility flag.\n\n");
    }

    out.push_str(member.doc.trim());
    out.push_str("\n\n");
    for note in &member.notes {
        out.push_str(note.trim());
        out.push_str("\n\n");
    }

    out.push_str(&format!("[Cloudflare documentation]({})\n", member.link(receiver)));
    out
}

/// The text an LSP snippet inserts when every tab stop keeps its default: `${1:query}`
/// becomes `query`, `$1`, `${1}` and `$0` disappear, a choice `${1|a,b|}` becomes its first
/// option, and `\$`, `\}` and `\\` become the plain characters.
pub fn snippet_text(snippet: &str) -> String {
    let chars: Vec<char> = snippet.chars().collect();
    let mut pos = 0;
    let mut out = String::new();
    snippet_text_until(&chars, &mut pos, false, &mut out);
    out
}

/// Expands `chars[*pos..]` into `out`; inside a placeholder (`nested`) it stops after the
/// unescaped `}` that closes it.
fn snippet_text_until(chars: &[char], pos: &mut usize, nested: bool, out: &mut String) {
    while let Some(&c) = chars.get(*pos) {
        match c {
            '\\' if matches!(chars.get(*pos + 1), Some('$' | '}' | '\\')) => {
                out.push(chars[*pos + 1]);
                *pos += 2;
            }
            '}' if nested => {
                *pos += 1;
                return;
            }
            '$' if chars.get(*pos + 1).is_some_and(|c| c.is_ascii_digit()) => {
                *pos += 1;
                while chars.get(*pos).is_some_and(|c| c.is_ascii_digit()) {
                    *pos += 1;
                }
            }
            '$' if chars.get(*pos + 1) == Some(&'{') => {
                *pos += 2;
                while chars.get(*pos).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_') {
                    *pos += 1;
                }
                match chars.get(*pos) {
                    Some(':') => {
                        *pos += 1;
                        snippet_text_until(chars, pos, true, out);
                    }
                    Some('|') => {
                        *pos += 1;
                        let mut first = true;
                        while let Some(&c) = chars.get(*pos) {
                            *pos += 1;
                            match c {
                                '|' => break,
                                ',' => first = false,
                                '\\' if chars.get(*pos).is_some() => {
                                    if first {
                                        out.push(chars[*pos]);
                                    }
                                    *pos += 1;
                                }
                                c if first => out.push(c),
                                _ => {}
                            }
                        }
                        if chars.get(*pos) == Some(&'}') {
                            *pos += 1;
                        }
                    }
                    Some('}') => *pos += 1,
                    _ => {}
                }
            }
            c => {
                out.push(c);
                *pos += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const DOCS: &str = "https://developers.cloudflare.com/";

    /// Everything wrong with a catalog, one message per problem.
    fn problems(catalog: &Catalog) -> Vec<String> {
        let mut out = Vec::new();
        let receiver_names: HashSet<&str> =
            catalog.receivers.iter().map(|r| r.name.as_str()).collect();
        if receiver_names.len() != catalog.receivers.len() {
            out.push("two receivers share a name".to_string());
        }
        for r in &catalog.receivers {
            let at = &r.name;
            if r.summary.trim().is_empty() {
                out.push(format!("{at}: empty summary"));
            }
            check_link(&mut out, at, &r.link);
            if r.members.is_empty() {
                out.push(format!("{at}: no members"));
            }
            if r.notes.iter().any(|n| n.trim().is_empty()) {
                out.push(format!("{at}: empty note"));
            }
            let mut seen = HashSet::new();
            for m in &r.members {
                let at = format!("{}.{}", r.name, m.name);
                if !seen.insert(m.name.as_str()) {
                    out.push(format!("{at}: declared twice (overloads belong in one member)"));
                }
                member_problems(&mut out, &at, m, &receiver_names);
            }
        }
        let mut triggers = HashSet::new();
        for s in &catalog.class_snippets {
            let at = format!("snippet {}", s.trigger);
            if !triggers.insert(s.trigger.as_str()) {
                out.push(format!("{at}: trigger used twice"));
            }
            if s.label.trim().is_empty() || s.detail.trim().is_empty() || s.doc.trim().is_empty() {
                out.push(format!("{at}: empty label, detail or doc"));
            }
            let text = snippet_text(&s.body);
            let head = if s.trigger == "constructor" {
                "constructor(".to_string()
            } else {
                format!("async {}(", s.trigger)
            };
            if !text.starts_with(&head) {
                out.push(format!("{at}: body does not start with `{head}`"));
            }
            // Completion beside TypeScript leaves the handler snippets to TypeScript, which
            // knows them as the base class's members: every other snippet must be one.
            if s.trigger != "constructor" && !crate::ide::is_base_class_handler(&s.trigger) {
                out.push(format!("{at}: not a handler member of DurableObject"));
            }
        }
        out
    }

    fn member_problems(out: &mut Vec<String>, at: &str, m: &Member, receivers: &HashSet<&str>) {
        if m.doc.trim().is_empty() {
            out.push(format!("{at}: empty doc"));
        }
        if m.notes.iter().any(|n| n.trim().is_empty()) {
            out.push(format!("{at}: empty note"));
        }
        if m.signatures.is_empty() {
            out.push(format!("{at}: no signature"));
        }
        for sig in &m.signatures {
            if !sig.label.contains(m.name.as_str()) {
                out.push(format!("{at}: signature `{}` does not name the member", sig.label));
            }
            for p in &sig.params {
                if !sig.label.contains(p.label.as_str()) {
                    out.push(format!(
                        "{at}: param `{}` is not part of signature `{}`",
                        p.label, sig.label
                    ));
                }
                if p.doc.trim().is_empty() {
                    out.push(format!("{at}: param `{}` has no doc", p.label));
                }
            }
        }
        if let Some((target, _)) = m.returned_receiver()
            && !receivers.contains(target)
        {
            out.push(format!("{at}: returns `{target}`, which is not a receiver"));
        }
        match m.kind {
            MemberKind::Property => {
                if m.sync != Sync::Value {
                    out.push(format!("{at}: a property must have sync = \"value\""));
                }
                if m.snippet.is_some() {
                    out.push(format!("{at}: a property has no snippet"));
                }
                if m.signatures.iter().any(|s| !s.params.is_empty()) {
                    out.push(format!("{at}: a property has no params"));
                }
            }
            MemberKind::Handler => {
                if m.sync != Sync::Either {
                    out.push(format!("{at}: a handler must have sync = \"either\""));
                }
            }
            MemberKind::Method => {
                if m.sync == Sync::Value || m.sync == Sync::Either {
                    out.push(format!("{at}: a method is sync or async"));
                }
            }
        }
        if let Some(snippet) = &m.snippet {
            if !snippet.starts_with(&format!("{}(", m.name)) {
                out.push(format!("{at}: snippet `{snippet}` does not start with `{}(`", m.name));
            }
            if !snippet_text(snippet).ends_with(')') {
                out.push(format!("{at}: snippet `{snippet}` does not end with the call's `)`"));
            }
        }
        if let Some(link) = &m.link {
            check_link(out, at, link);
        }
    }

    fn check_link(out: &mut Vec<String>, at: &str, link: &str) {
        if !link.starts_with(DOCS) || link.contains(char::is_whitespace) {
            out.push(format!("{at}: link `{link}` is not a developers.cloudflare.com page"));
        }
    }

    #[test]
    fn every_file_loads() {
        let catalog = load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(catalog.receivers.len(), RECEIVER_FILES.len());
        assert!(!catalog.class_snippets.is_empty());
    }

    #[test]
    fn catalog_data_is_consistent() {
        let found = problems(catalog());
        assert!(found.is_empty(), "catalog problems:\n{}", found.join("\n"));
    }

    #[test]
    fn the_consistency_check_catches_broken_entries() {
        let bad: Receiver = toml::from_str(
            r#"
name = "Broken"
summary = "A deliberately broken receiver."
link = "https://example.com/"

[[member]]
name = "exec"
kind = "method"
sync = "sync"
returns = "Nowhere[]"
doc = ""
snippet = "run(${1:query})"

[[member.signature]]
label = "exec(query: string): void"

[[member.signature.param]]
label = "sql: string"
doc = "The text."

[[member]]
name = "exec"
kind = "property"
sync = "async"
doc = "Again."
snippet = "exec"
signature = []
"#,
        )
        .unwrap();
        let catalog = Catalog::new(vec![bad], Vec::new());
        let found = problems(&catalog).join("\n");
        for expected in [
            "Broken: link `https://example.com/`",
            "Broken.exec: empty doc",
            "Broken.exec: param `sql: string` is not part of signature",
            "Broken.exec: returns `Nowhere`",
            "Broken.exec: snippet `run(${1:query})` does not start with `exec(`",
            "Broken.exec: declared twice",
            "Broken.exec: no signature",
            "Broken.exec: a property must have sync = \"value\"",
            "Broken.exec: a property has no snippet",
        ] {
            assert!(found.contains(expected), "missing `{expected}` in:\n{found}");
        }
    }

    #[test]
    fn receivers_chain_from_the_base_class_to_the_cursor() {
        let cat = catalog();
        let mut receiver = "DurableObject";
        for member in ["ctx", "storage", "sql", "exec"] {
            let (_, m) = cat.member(receiver, member).unwrap();
            receiver = m.returned_receiver().unwrap().0;
        }
        assert_eq!(receiver, "SqlStorageCursor");
        let (_, sockets) = cat.member("DurableObjectState", "getWebSockets").unwrap();
        assert_eq!(sockets.returned_receiver(), Some(("WebSocket", true)));
        let (_, stub) = cat.member("DurableObjectNamespace", "getByName").unwrap();
        assert_eq!(stub.returned_receiver(), Some(("DurableObjectStub", false)));
    }

    #[test]
    fn overloads_are_signatures_of_one_member() {
        let (_, get) = catalog().member("DurableObjectStorage", "get").unwrap();
        assert_eq!(get.signatures.len(), 2);
        assert!(get.signatures[1].label.starts_with("get<T = unknown>(keys: string[]"));
    }

    /// The facts users trip over must stay in the notes that hover shows.
    #[test]
    fn notes_keep_the_semantics_that_bite() {
        let cat = catalog();
        let notes = |r: &str, m: &str| cat.member(r, m).unwrap().1.notes.join("\n");
        assert!(notes("DurableObjectStorage", "setAlarm").contains("replaces"));
        let one = notes("SqlStorageCursor", "one");
        assert!(
            one.contains(
                "`Error: Expected exactly one result from SQL query, but got no results.`"
            )
        );
        assert!(one.contains("but got multiple results.`"));
        assert!(notes("DurableObjectStorage", "transactionSync").contains("rolls nothing back"));
        assert!(notes("SqlStorage", "exec").contains("RETURNING"));
        assert!(notes("DurableObjectStorage", "deleteAll").contains("delete_all_deletes_alarm"));
        assert!(notes("DurableObject", "alarm").contains("reserved"));
        let (_, kv) = cat.member("DurableObjectStorage", "kv").unwrap();
        assert!(kv.sqlite_only);
        assert!(kv.notes.join("\n").contains("not Promises"));
        let (_, exec) = cat.member("SqlStorage", "exec").unwrap();
        assert_eq!(exec.sync, Sync::Sync);
        assert!(exec.sqlite_only);
    }

    #[test]
    fn member_markdown_shows_signature_marks_notes_and_link() {
        let (r, m) = catalog().member("DurableObjectStorage", "transactionSync").unwrap();
        let md = member_markdown(r, m);
        assert!(md.starts_with("```ts\ntransactionSync<T>(closure: () => T): T\n```\n"), "{md}");
        assert!(md.contains("`DurableObjectStorage` method · synchronous"), "{md}");
        assert!(md.contains("**SQLite-backed classes only**"), "{md}");
        assert!(!md.contains("**Experimental**"), "{md}");
        assert!(md.contains(&m.doc));
        assert!(m.notes.iter().all(|n| md.contains(n.as_str())));
        assert!(md.ends_with(&format!("[Cloudflare documentation]({})\n", r.link)), "{md}");

        let (r, m) = catalog().member("DurableObjectStorage", "get").unwrap();
        let md = member_markdown(r, m);
        assert!(md.contains("Promise<T | undefined>\nget<T = unknown>(keys"), "{md}");
        assert!(md.contains("· async, returns a Promise"), "{md}");

        let (r, m) = catalog().member("DurableObjectState", "configureReadReplication").unwrap();
        assert!(member_markdown(r, m).contains("**Experimental**"));

        let (r, m) = catalog().member("DurableObjectState", "storage").unwrap();
        let md = member_markdown(r, m);
        assert!(md.contains("`DurableObjectState` property\n"), "{md}");
        assert!(md.contains(
            "(https://developers.cloudflare.com/durable-objects/api/sqlite-storage-api/)"
        ));
    }

    #[test]
    fn snippet_text_resolves_tab_stops() {
        assert_eq!(snippet_text("exec(${1:query})"), "exec(query)");
        assert_eq!(snippet_text("sync()$0"), "sync()");
        assert_eq!(snippet_text("f($1, ${2}, ${3|a,b|})"), "f(, , a)");
        assert_eq!(snippet_text("${1:outer ${2:inner}} end"), "outer inner end");
        assert_eq!(snippet_text(r"cost \$5 \} \\"), r"cost $5 } \");
        assert_eq!(
            snippet_text("setAlarm(${1:Date.now() + 60_000})"),
            "setAlarm(Date.now() + 60_000)"
        );
    }
}

