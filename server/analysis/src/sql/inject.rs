//! Values spliced into SQL text: a `${}` of a query template that puts a runtime value where
//! SQL expects a value (inside a quoted literal, after a comparison, in a `VALUES` list). A
//! quote in the value breaks the statement or changes its meaning; a binding does not.
//!
//! Only what is surely a value in a value's place is reported: names of tables and columns,
//! SQL fragments, placeholder lists (`ids.map(() => "?").join(",")`), numbers and constants
//! are left alone.

use tree_sitter::Node;

use crate::diagnostics::{Diagnostic, FileEdit, Fix, Severity};
use crate::infer::Infer;
use crate::syntax::{node_range, node_text, NodeExt};
use crate::text::TextRange;

use super::lex::{self, Tok};
use super::source::{const_value, query_of, Query};

pub const CODE: &str = "sql-injection";

/// The spliced values of a query argument (`list[index]` of a call's arguments, the
/// bindings after it).
pub(crate) fn spliced_values(infer: &Infer<'_>, arg: Node<'_>, list: &[Node<'_>], index: usize) -> Vec<Diagnostic> {
    let text = infer.text();
    let mut node = arg;
    while matches!(node.kind_name(), "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression") {
        match node.named_child(0) {
            Some(n) => node = n,
            None => return Vec::new(),
        }
    }
    // The template itself, or a `const` holding it (then the fix would have to change
    // every use of the constant: reported without one).
    let (template, direct) = match node.kind_name() {
        "template_string" => (node, true),
        "identifier" => match const_value(node, text) {
            Some(v) if v.kind_name() == "template_string" => (v, false),
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let mut c = template.walk();
    let subs: Vec<Node<'_>> = template.named_children(&mut c).filter(|n| n.kind_name() == "template_substitution").collect();
    if subs.is_empty() {
        return Vec::new();
    }
    // The SQL as written, with each substitution that is not a constant replaced by a
    // marker word; `spans` maps each byte back to the source.
    let mut sql = String::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut markers: Vec<(usize, Node<'_>)> = Vec::new();
    let mut pos = template.start_byte() + 1;
    let push = |sql: &mut String, spans: &mut Vec<(usize, usize)>, s: &str, span: Option<(usize, usize)>, from: usize| {
        for (k, _) in s.bytes().enumerate() {
            spans.push(span.unwrap_or((from + k, from + k + 1)));
        }
        sql.push_str(s);
    };
    for sub in &subs {
        push(&mut sql, &mut spans, &text[pos..sub.start_byte()], None, pos);
        let span = (sub.start_byte(), sub.end_byte());
        let constant = match query_of_sub(*sub, text) {
            Some(v) => v,
            None => {
                markers.push((sql.len(), *sub));
                format!("__dols_splice_{}__", markers.len())
            }
        };
        push(&mut sql, &mut spans, &constant, Some(span), 0);
        pos = sub.end_byte();
    }
    let end = template.end_byte() - 1;
    push(&mut sql, &mut spans, &text[pos..end], None, pos);
    let tokens = lex::tokenize(&sql);
    let code: Vec<&lex::Token> = tokens.iter().filter(|t| !t.is_trivia()).collect();
    let source = |start: usize, end: usize| TextRange::new(spans[start].0, spans[end - 1].1);
    let mut out = Vec::new();
    for (at, sub) in markers {
        let Some(ti) = code.iter().position(|t| t.start <= at && at < t.end) else { continue };
        let tok = code[ti];
        let quoted = tok.kind == Tok::Str;
        if !(quoted || tok.kind == Tok::Word && value_position(&sql, &code, ti)) {
            continue;
        }
        let Some(expr) = sub.named_child(0) else { continue };
        if safe(infer, expr, 0) {
            continue;
        }
        let shown = node_text(sub, text);
        let mut d = Diagnostic::new(
            infer.path,
            node_range(sub),
            Severity::Warning,
            CODE,
            format!(
                "`{shown}` puts a runtime value into the SQL text: a quote in it breaks the statement or changes what it does (SQL injection){}. Pass it as a binding: `?` in the query and the value as an argument of the call.",
                if quoted { "" } else { ", and text would need quoting" }
            ),
        );
        if direct
            && let Some(fix) = binding_fix(infer, &sql, &code, tok, quoted, sub, expr, &source, list, index)
        {
            d = d.with_fix(fix);
        }
        out.push(d);
    }
    out
}

/// The text a constant substitution stands for (a string constant or an integer), as the
/// query reader resolves it.
fn query_of_sub(sub: Node<'_>, text: &str) -> Option<String> {
    let e = sub.named_child(0)?;
    match e.kind_name() {
        "identifier" => {
            let v = const_value(e, text)?;
            if v.kind_name() == "number" {
                return Some(node_text(v, text).replace('_', ""));
            }
            match query_of(v, text, 1) {
                Query::Known(s) => Some(s.text),
                _ => None,
            }
        }
        "number" => Some(node_text(e, text).replace('_', "")),
        _ => None,
    }
}

/// Whether the marker word at `code[i]` stands where SQL expects a value: right after a
/// comparison or `LIKE`/`GLOB`/`MATCH`, or as an item of a `VALUES (…)` row; and not as a
/// qualifier (`${t}.id`).
fn value_position(sql: &str, code: &[&lex::Token], i: usize) -> bool {
    if code.get(i + 1).is_some_and(|n| n.text(sql) == ".") {
        return false;
    }
    let Some(prev) = i.checked_sub(1).map(|p| code[p]) else { return false };
    match prev.kind {
        Tok::Other => matches!(prev.text(sql), "=" | "<" | ">"),
        Tok::Word => ["LIKE", "GLOB", "MATCH"].iter().any(|w| prev.is_word(sql, w)),
        Tok::Open => in_values_row(sql, code, i - 1),
        _ if prev.text(sql) == "," => {
            // Back to the `(` of the list this item belongs to.
            let mut depth = 0i32;
            for k in (0..i - 1).rev() {
                match code[k].kind {
                    Tok::Close => depth += 1,
                    Tok::Open if depth == 0 => return in_values_row(sql, code, k),
                    Tok::Open => depth -= 1,
                    Tok::Semi => return false,
                    _ => {}
                }
            }
            false
        }
        _ => false,
    }
}

/// Whether the `(` at `code[open]` starts a row of `VALUES`: `VALUES (` or `), (` after one.
fn in_values_row(sql: &str, code: &[&lex::Token], open: usize) -> bool {
    let mut k = open;
    loop {
        let Some(before) = k.checked_sub(1).map(|p| code[p]) else { return false };
        if before.is_word(sql, "VALUES") {
            return true;
        }
        if before.text(sql) != "," || k < 2 || code[k - 2].kind != Tok::Close {
            return false;
        }
        // Skip back over the previous row `( … )`.
        let mut depth = 0i32;
        let mut j = k - 2;
        loop {
            match code[j].kind {
                Tok::Close => depth += 1,
                Tok::Open => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            if j == 0 {
                return false;
            }
            j -= 1;
        }
        k = j;
    }
}

/// Whether an expression is surely not a runtime text value: a literal, a number, a
/// constant, a placeholder list, or something built only from those.
fn safe(infer: &Infer<'_>, e: Node<'_>, depth: usize) -> bool {
    if depth > 12 {
        return true;
    }
    let text = infer.text();
    let d = depth + 1;
    match e.kind_name() {
        "number" | "string" | "true" | "false" | "null" | "undefined" | "regex" => true,
        "template_string" => {
            let mut c = e.walk();
            let subs: Vec<Node<'_>> = e.named_children(&mut c).filter(|n| n.kind_name() == "template_substitution").collect();
            subs.iter().all(|s| s.named_child(0).is_none_or(|x| safe(infer, x, d)))
        }
        "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression" | "await_expression" => {
            e.named_child(0).is_none_or(|x| safe(infer, x, d))
        }
        "unary_expression" => true,
        "binary_expression" => {
            let op = e.field("operator").map(|o| o.kind_name()).unwrap_or("");
            match op {
                "+" | "&&" | "||" | "??" => {
                    e.field("left").is_none_or(|x| safe(infer, x, d)) && e.field("right").is_none_or(|x| safe(infer, x, d))
                }
                // Arithmetic, comparisons, bit operations: a number or a boolean.
                _ => true,
            }
        }
        "ternary_expression" => {
            e.field("consequence").is_none_or(|x| safe(infer, x, d)) && e.field("alternative").is_none_or(|x| safe(infer, x, d))
        }
        "call_expression" => safe_call(infer, e, d),
        "member_expression" | "subscript_expression" => {
            let prop = e.field("property").map(|p| node_text(p, text)).unwrap_or("");
            if e.kind_name() == "member_expression" && matches!(prop, "length" | "size" | "byteLength") {
                return true;
            }
            let Some(object) = e.field("object") else { return true };
            // `STATUS.active` with `const STATUS = { active: "a", … }`.
            if object.kind_name() == "identifier" && const_value(object, text).is_some_and(|v| literal_table(infer, v, d)) {
                return true;
            }
            // A field of a parameter or of what a request gave is a value; a field of `this`,
            // of an import or an enum is not known to be one.
            match object.kind_name() {
                "this" => true,
                _ => safe(infer, object, d),
            }
        }
        "identifier" => identifier_safe(infer, e, d),
        // `new Date()`, `new URL(…)`: not a request's text.
        "new_expression" => true,
        _ => false,
    }
}

/// A `const` array or object whose every value is safe: a lookup in it picks a constant.
fn literal_table(infer: &Infer<'_>, mut v: Node<'_>, depth: usize) -> bool {
    while matches!(v.kind_name(), "as_expression" | "satisfies_expression" | "parenthesized_expression") {
        match v.named_child(0) {
            Some(n) => v = n,
            None => return false,
        }
    }
    let mut c = v.walk();
    match v.kind_name() {
        "array" => v.named_children(&mut c).all(|x| x.kind_name() == "comment" || safe(infer, x, depth)),
        "object" => v.named_children(&mut c).all(|p| match p.kind_name() {
            "pair" => p.field("value").is_some_and(|x| safe(infer, x, depth)),
            "comment" => true,
            _ => false,
        }),
        _ => false,
    }
}

/// What a call gives. Values read from a request (`searchParams.get(…)`, `request.json()`,
/// `formData()`, a header) and `JSON.stringify` are values; string methods keep what their
/// object is; numbers, booleans, ids, dates and lists built with `join` (placeholder lists
/// such as `ids.map(() => "?").join(", ")`) are not. Any other call may return a SQL
/// fragment: not surely a value.
fn safe_call(infer: &Infer<'_>, call: Node<'_>, depth: usize) -> bool {
    let text = infer.text();
    let Some(mut callee) = call.field("function") else { return true };
    // `request.json<Body>()`: the parser may wrap the callee in an instantiation, or read
    // `await request.json<Body>()` as a call of `await request.json`.
    while matches!(callee.kind_name(), "non_null_expression" | "instantiation_expression" | "await_expression" | "parenthesized_expression") {
        match callee.named_child(0) {
            Some(c) => callee = c,
            None => return true,
        }
    }
    let first_arg = || call.field("arguments").and_then(|a| a.named_child(0));
    match callee.kind_name() {
        "identifier" => match node_text(callee, text) {
            "String" | "decodeURIComponent" | "decodeURI" => first_arg().is_none_or(|a| safe(infer, a, depth)),
            _ => true,
        },
        "member_expression" => {
            let prop = callee.field("property").map(|p| node_text(p, text)).unwrap_or("");
            let object = callee.field("object");
            let on = object.map(|o| node_text(o, text)).unwrap_or("");
            match prop {
                "get" | "getAll" | "json" | "text" | "formData" | "param" | "query" | "header" | "arrayBuffer" => false,
                "stringify" if on == "JSON" => false,
                "toString" | "trim" | "trimStart" | "trimEnd" | "toLowerCase" | "toUpperCase" | "slice" | "substring" | "substr" | "replace"
                | "replaceAll" | "padStart" | "padEnd" | "normalize" | "concat" | "at" | "toLocaleLowerCase" | "toLocaleUpperCase" => {
                    object.is_none_or(|o| safe(infer, o, depth))
                }
                _ => true,
            }
        }
        _ => true,
    }
}

/// An identifier: a constant, a parameter typed as a number, boolean or union of literals,
/// or a variable initialised with something safe. A parameter without such a type, or a
/// variable read from one (`const { name } = await request.json()`), is a value; a name
/// whose declaration is not found (a loop variable, an import) is left alone.
fn identifier_safe(infer: &Infer<'_>, ident: Node<'_>, depth: usize) -> bool {
    let text = infer.text();
    let name = node_text(ident, text);
    let at = ident.start_byte();
    let mut cur = ident;
    while let Some(parent) = cur.parent() {
        if matches!(parent.kind_name(), "statement_block" | "program" | "class_static_block") {
            let mut c = parent.walk();
            for stmt in parent.named_children(&mut c) {
                if stmt.start_byte() > at {
                    break;
                }
                let decl = match stmt.kind_name() {
                    "lexical_declaration" | "variable_declaration" => stmt,
                    _ => continue,
                };
                let mut c2 = decl.walk();
                for d in decl.named_children(&mut c2).filter(|d| d.kind_name() == "variable_declarator") {
                    let Some(pattern) = d.field("name") else { continue };
                    if !binds(pattern, name, text) {
                        continue;
                    }
                    if d.field("type").is_some_and(|t| safe_type(infer, node_text(t, text))) {
                        return true;
                    }
                    return match d.field("value") {
                        // Destructured: as safe as what it reads from.
                        Some(v) => safe(infer, v, depth),
                        None => true,
                    };
                }
            }
        }
        if matches!(parent.kind_name(), "function_declaration" | "function_expression" | "arrow_function" | "method_definition") {
            if let Some(p) = parent.field("parameter") {
                if node_text(p, text) == name {
                    return false;
                }
            } else if let Some(params) = parent.field("parameters") {
                let mut c = params.walk();
                for p in params.named_children(&mut c) {
                    let Some(pattern) = p.field("pattern") else { continue };
                    if binds(pattern, name, text) {
                        return p.field("type").is_some_and(|t| safe_type(infer, node_text(t, text)));
                    }
                }
            }
        }
        cur = parent;
    }
    true
}

/// Whether a binding pattern binds `name`.
fn binds(pattern: Node<'_>, name: &str, text: &str) -> bool {
    match pattern.kind_name() {
        "identifier" | "shorthand_property_identifier_pattern" => node_text(pattern, text) == name,
        "object_pattern" | "array_pattern" | "pair_pattern" | "assignment_pattern" | "rest_pattern" | "object_assignment_pattern" => {
            let mut c = pattern.walk();
            pattern.named_children(&mut c).any(|n| {
                // In `{ key: local }` only the value side binds.
                if pattern.kind_name() == "pair_pattern" && pattern.field("key").is_some_and(|k| k.id() == n.id()) {
                    return false;
                }
                if matches!(pattern.kind_name(), "assignment_pattern" | "object_assignment_pattern") && pattern.field("right").is_some_and(|k| k.id() == n.id()) {
                    return false;
                }
                binds(n, name, text)
            })
        }
        _ => false,
    }
}

/// A type annotation (with its colon) that only numbers, booleans or literal types satisfy,
/// directly or through a type alias of the module.
fn safe_type(infer: &Infer<'_>, annotation: &str) -> bool {
    safe_type_in(infer, annotation, 0)
}

fn safe_type_in(infer: &Infer<'_>, annotation: &str, depth: usize) -> bool {
    let t = annotation.trim_start_matches(':').trim();
    !t.is_empty()
        && depth < 4
        && t.split('|').map(str::trim).filter(|p| !p.is_empty()).all(|p| {
            matches!(p, "number" | "bigint" | "boolean" | "true" | "false" | "null" | "undefined")
                || p.starts_with('"')
                || p.starts_with('\'')
                || p.parse::<f64>().is_ok()
                || alias_value(infer, p).is_some_and(|v| safe_type_in(infer, &v, depth + 1))
        })
}

/// The value of `type <name> = …` at the top of the module.
fn alias_value(infer: &Infer<'_>, name: &str) -> Option<String> {
    if !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$') {
        return None;
    }
    let text = infer.text();
    let root = infer.src.tree.root_node();
    let mut c = root.walk();
    root.named_children(&mut c).find_map(|stmt| {
        let decl = if stmt.kind_name() == "export_statement" { stmt.field("declaration")? } else { stmt };
        (decl.kind_name() == "type_alias_declaration" && decl.field("name").is_some_and(|n| node_text(n, text) == name))
            .then(|| decl.field("value").map(|v| node_text(v, text).to_string()))
            .flatten()
    })
}

/// The fix: `?` in place of the substitution (or of the quoted literal around it), and the
/// value as a binding at the position of that `?` among the call's arguments. Only when
/// the query's parameters are plain `?`, one statement, and the bindings are listed.
#[allow(clippy::too_many_arguments)]
fn binding_fix(
    infer: &Infer<'_>,
    sql: &str,
    code: &[&lex::Token],
    tok: &lex::Token,
    quoted: bool,
    sub: Node<'_>,
    expr: Node<'_>,
    source: &dyn Fn(usize, usize) -> TextRange,
    list: &[Node<'_>],
    index: usize,
) -> Option<Fix> {
    let text = infer.text();
    let params: Vec<&&lex::Token> = code.iter().filter(|t| t.kind == Tok::Param).collect();
    if params.iter().any(|t| t.text(sql) != "?") {
        return None;
    }
    // One statement: a `;` may only end the text.
    if let Some(semi) = code.iter().position(|t| t.kind == Tok::Semi)
        && code[semi + 1..].iter().any(|t| t.kind != Tok::Semi)
    {
        return None;
    }
    let bindings = &list[index + 1..];
    if bindings.iter().any(|b| b.kind_name() == "spread_element") || params.len() != bindings.len() {
        return None;
    }
    let before = params.iter().filter(|t| t.end <= tok.start).count();
    let (replace, value) = if quoted {
        let lit = source(tok.start, tok.end);
        let inner = TextRange::new(lit.start + 1, lit.end.saturating_sub(1));
        let sub_range = node_range(sub);
        if inner == sub_range {
            (lit, node_text(expr, text).to_string())
        } else {
            let raw = text.get(inner.as_range())?;
            if raw.contains(['`', '\\']) || raw.contains("''") || !tok.text(sql).ends_with('\'') {
                return None;
            }
            (lit, format!("`{raw}`"))
        }
    } else {
        (node_range(sub), node_text(expr, text).to_string())
    };
    let path = infer.path.to_path_buf();
    let insert = if before == bindings.len() {
        let last = list[index + bindings.len()];
        FileEdit { file: path.clone(), range: TextRange::empty(last.end_byte()), new_text: format!(", {value}") }
    } else {
        let next = bindings[before];
        FileEdit { file: path.clone(), range: TextRange::empty(next.start_byte()), new_text: format!("{value}, ") }
    };
    Some(Fix {
        title: "Bind the value as a `?` parameter".to_string(),
        edits: vec![FileEdit { file: path, range: replace, new_text: "?".to_string() }, insert],
    })
}
