//! The Durable Objects API catalog: every receiver type and its members, kept as data in
//! `server/analysis/catalog/*.toml` and compiled in. Completion, hover, signature help and the
//! generated reference page (`docs/reference/api.md`) all read from here.

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
    Ok(Catalog { receivers, class_snippets: snippets.snippets })
}

impl Catalog {
    pub fn receiver(&self, name: &str) -> Option<&Receiver> {
        self.receivers.iter().find(|r| r.name == name)
    }
    pub fn member(&self, receiver: &str, member: &str) -> Option<(&Receiver, &Member)> {
        let r = self.receiver(receiver)?;
        r.members.iter().find(|m| m.name == member).map(|m| (r, m))
    }
}

impl Member {
    pub fn link<'a>(&'a self, receiver: &'a Receiver) -> &'a str {
        self.link.as_deref().unwrap_or(&receiver.link)
    }
}

/// Hover and reference text for one member: signatures, description, the semantics that
/// bite, and the official page.
pub fn member_markdown(receiver: &Receiver, member: &Member) -> String {
    let mut out = String::from("```ts\n");
    for s in &member.signatures {
        out.push_str(&format!("{}.{}\n", receiver.name, s.label));
    }
    out.push_str("```\n\n");
    out.push_str(&member.doc);
    out.push('\n');
    for n in &member.notes {
        out.push_str("\n- ");
        out.push_str(n);
    }
    if member.sqlite_only {
        out.push_str("\n\nSQLite-backed classes only (`new_sqlite_classes`).");
    }
    if member.experimental {
        out.push_str("\n\nNeeds the `experimental` compatibility flag.");
    }
    out.push_str(&format!("\n\n[Documentation]({})", member.link(receiver)));
    out
}
