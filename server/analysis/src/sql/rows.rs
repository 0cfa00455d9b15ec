//! Row types: `exec<Row>(…)` (or `this.sql<Row>`…``) with a type literal or an interface or
//! type alias of the module, compared with the columns the statement returns.

use tree_sitter::Node;

use crate::infer::Infer;
use crate::syntax::{node_range, node_text, NodeExt};
use crate::text::TextRange;

use super::shadow::ResultColumn;

/// A row type as written at a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowType {
    /// The type argument (`Row`, `{ id: number }`).
    pub range: TextRange,
    /// The `{ … }` that lists the properties (the literal itself, or the interface's body).
    pub body: TextRange,
    /// The interface or alias name; `None` for a literal.
    pub name: Option<String>,
    pub props: Vec<RowProp>,
    /// An index signature: any column fits.
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowProp {
    pub name: String,
    /// The property's name as written.
    pub range: TextRange,
    /// The type as written, when there is one.
    pub ty: Option<String>,
    pub optional: bool,
}

/// The single type argument of a call (`<Row>`), as a row type.
pub(crate) fn row_type_of_args(infer: &Infer<'_>, args: Node<'_>) -> Option<RowType> {
    let mut c = args.walk();
    let list: Vec<Node<'_>> = args.named_children(&mut c).filter(|n| n.kind_name() != "comment").collect();
    match list.as_slice() {
        [one] => row_type(infer, *one),
        _ => None,
    }
}

/// A type argument as a row type: a type literal, or the name of an interface or a type
/// alias of an object type declared at the top of this module (without type parameters or
/// `extends`). Anything else is not read.
pub(crate) fn row_type(infer: &Infer<'_>, arg: Node<'_>) -> Option<RowType> {
    let text = infer.text();
    let range = node_range(arg);
    match arg.kind_name() {
        "object_type" => {
            let (props, open) = members(arg, text)?;
            Some(RowType { range, body: range, name: None, props, open })
        }
        "type_identifier" | "identifier" => {
            let name = node_text(arg, text);
            let body = declared_object(infer, name)?;
            let (props, open) = members(body, text)?;
            Some(RowType { range, body: node_range(body), name: Some(name.to_string()), props, open })
        }
        _ => None,
    }
}

/// The object type an interface or type alias of the module names.
fn declared_object<'t>(infer: &Infer<'t>, name: &str) -> Option<Node<'t>> {
    let text = infer.text();
    let root = infer.src.tree.root_node();
    let mut c = root.walk();
    let mut found = None;
    for stmt in root.named_children(&mut c) {
        let decl = if stmt.kind_name() == "export_statement" { stmt.field("declaration") } else { Some(stmt) };
        let Some(decl) = decl else { continue };
        if !matches!(decl.kind_name(), "interface_declaration" | "type_alias_declaration") {
            continue;
        }
        if decl.field("name").is_none_or(|n| node_text(n, text) != name) {
            continue;
        }
        if found.is_some() || decl.field("type_parameters").is_some() {
            // Declared twice (merged interfaces) or generic: not ours to read.
            return None;
        }
        let body = match decl.kind_name() {
            "interface_declaration" => {
                let mut c2 = decl.walk();
                if decl.named_children(&mut c2).any(|n| n.kind_name() == "extends_type_clause") {
                    return None;
                }
                decl.field("body")?
            }
            _ => decl.field("value").filter(|v| v.kind_name() == "object_type")?,
        };
        found = Some(body);
    }
    found
}

fn members(body: Node<'_>, text: &str) -> Option<(Vec<RowProp>, bool)> {
    let mut props = Vec::new();
    let mut open = false;
    let mut c = body.walk();
    for m in body.named_children(&mut c) {
        match m.kind_name() {
            "property_signature" => {
                let name_node = m.field("name")?;
                let name = match name_node.kind_name() {
                    "property_identifier" => node_text(name_node, text).to_string(),
                    "string" => {
                        let t = node_text(name_node, text);
                        t.get(1..t.len().saturating_sub(1))?.to_string()
                    }
                    _ => return None,
                };
                let mut c2 = m.walk();
                let optional = m.children(&mut c2).any(|ch| ch.kind_name() == "?");
                let ty = m.field("type").and_then(|t| t.named_child(0)).map(|t| node_text(t, text).to_string());
                props.push(RowProp { name, range: node_range(name_node), ty, optional });
            }
            "index_signature" => open = true,
            "comment" => {}
            // Methods, call signatures: not a row.
            _ => return None,
        }
    }
    Some((props, open))
}

/// What SQLite's declared type makes of a value, by the affinity rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Number,
    Text,
    Blob,
}

impl Kind {
    pub fn ts(self) -> &'static str {
        match self {
            Kind::Number => "number",
            Kind::Text => "string",
            Kind::Blob => "ArrayBuffer",
        }
    }
}

/// The kind of value a column of this declared type holds, when the type says so for sure
/// (INTEGER, REAL, TEXT, BLOB affinities); NUMERIC and untyped columns hold anything.
pub(crate) fn kind_of_decl(decl: &str) -> Option<Kind> {
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") {
        Some(Kind::Number)
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        Some(Kind::Text)
    } else if d.contains("BLOB") {
        Some(Kind::Blob)
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        Some(Kind::Number)
    } else {
        None
    }
}

/// What a TypeScript type written on a row property allows, when it is a union of plain
/// types (`number`, `string | null`, `"a" | "b"`); `None` for anything else.
#[derive(Debug, Default)]
pub(crate) struct TsType {
    pub number: bool,
    pub string: bool,
    pub blob: bool,
    pub null: bool,
    /// `boolean`: a row never holds one (SQLite stores 0 and 1).
    pub boolean: bool,
}

pub(crate) fn read_ts_type(ty: &str) -> Option<TsType> {
    let mut out = TsType::default();
    let ty = ty.trim().trim_start_matches('|');
    for part in split_union(ty)? {
        let p = part.trim();
        match p {
            "number" | "bigint" => out.number = true,
            "string" => out.string = true,
            "ArrayBuffer" => out.blob = true,
            "null" => out.null = true,
            "boolean" | "true" | "false" => out.boolean = true,
            "undefined" => {}
            _ if p.starts_with('"') || p.starts_with('\'') || p.starts_with('`') => out.string = true,
            _ if p.parse::<f64>().is_ok() => out.number = true,
            _ => return None,
        }
    }
    Some(out)
}

/// The members of a union written at top level (no parentheses, generics or objects).
fn split_union(ty: &str) -> Option<Vec<&str>> {
    if ty.contains(['(', '<', '{', '[', '&']) {
        return None;
    }
    Some(ty.split('|').collect())
}

/// The TypeScript type of a result column: its declared type's when it is a plain column,
/// `| null` unless the column cannot hold NULL; otherwise any storage value.
pub(crate) fn column_ts(c: &ResultColumn, nulls_certain: bool) -> String {
    match c.origin.as_ref().and_then(|o| kind_of_decl(&o.decl).map(|k| (k, o.not_null))) {
        Some((k, true)) if nulls_certain => k.ts().to_string(),
        Some((k, _)) => format!("{} | null", k.ts()),
        None => "SqlStorageValue".to_string(),
    }
}

/// The row type of these columns, as a type literal.
pub(crate) fn literal(columns: &[ResultColumn], nulls_certain: bool) -> String {
    let props: Vec<String> = columns
        .iter()
        .map(|c| {
            let plain = !c.name.is_empty()
                && c.name.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_' || ch == '$')
                && c.name.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '$');
            let key = if plain { c.name.clone() } else { serde_json::to_string(&c.name).unwrap_or_default() };
            format!("{key}: {}", column_ts(c, nulls_certain))
        })
        .collect();
    format!("{{ {} }}", props.join("; "))
}
