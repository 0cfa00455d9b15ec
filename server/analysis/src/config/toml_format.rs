//! `wrangler.toml`. The `toml` crate reads TOML 1.1 and recovers from errors; wrangler's reader
//! follows TOML 1.0, so the two 1.1 relaxations of inline tables (line breaks and a trailing
//! comma between the braces) are reported as syntax errors here.

use toml::Spanned as TomlSpanned;
use toml::de::{DeTable, DeValue};

use super::read::{Kind, Node, Prop, read};
use super::{ConfigFormat, SyntaxError, WranglerConfig, error_range};
use crate::text::TextRange;

pub(super) fn parse(text: &str) -> WranglerConfig {
    let mut config = WranglerConfig::default();
    let (root, errors) = DeTable::parse_recoverable(text);
    for err in &errors {
        let raw = err.span().map(TextRange::from).unwrap_or_default();
        let message = err.message().to_string();
        config.syntax_errors.push(SyntaxError {
            range: error_range(text, raw),
            message,
        });
    }
    let recovered = !errors.is_empty();
    let mut builder = Builder {
        text,
        recovered,
        errors: Vec::new(),
    };
    let root = builder.table(TextRange::default(), root.get_ref());
    config.syntax_errors.extend(builder.errors);
    config
        .syntax_errors
        .sort_by_key(|e| (e.range.start, e.range.end));
    read(ConfigFormat::Toml, &root, &mut config);
    if !config.syntax_errors.is_empty() {
        config.problems.clear();
    }
    config
}

struct Builder<'t> {
    text: &'t str,
    /// The parser reported errors, so spans may be partial: no further checks.
    recovered: bool,
    errors: Vec<SyntaxError>,
}

impl Builder<'_> {
    fn value(&mut self, value: &TomlSpanned<DeValue<'_>>) -> Node {
        let span = TextRange::from(value.span());
        let kind = match value.get_ref() {
            // Recovery from a syntax error leaves empty placeholders behind.
            _ if span.is_empty() => Kind::Invalid,
            DeValue::String(s) => Kind::Str(s.to_string()),
            DeValue::Integer(_) | DeValue::Float(_) => Kind::Number,
            DeValue::Boolean(_) => Kind::Bool,
            DeValue::Datetime(_) => Kind::Datetime,
            DeValue::Array(items) => {
                let items: Vec<Node> = items.iter().map(|v| self.value(v)).collect();
                let range = cover(span, items.iter().map(|n| n.range));
                return Node {
                    kind: Kind::Array(items),
                    range,
                    head: span,
                };
            }
            DeValue::Table(table) => return self.table(span, table),
        };
        Node {
            kind,
            range: span,
            head: span,
        }
    }

    /// A table: the document root (empty span), a `[header]` table, an `{ inline }` table, or
    /// one made implicitly by a dotted key (its span is the key's).
    fn table(&mut self, span: TextRange, table: &DeTable<'_>) -> Node {
        if !self.recovered && self.text[span.as_range()].starts_with('{') {
            self.check_inline(span, table);
        }
        let mut props: Vec<Prop> = table
            .iter()
            .map(|(key, value)| Prop {
                key: key.get_ref().to_string(),
                key_range: key.span().into(),
                value: self.value(value),
            })
            .collect();
        props.sort_by_key(|p| p.key_range.start);
        let children = props.iter().flat_map(|p| [p.key_range, p.value.range]);
        let range = if span.is_empty() {
            cover_all(children).unwrap_or(span)
        } else {
            cover(span, children)
        };
        Node {
            kind: Kind::Object(props),
            range,
            head: span,
        }
    }

    /// TOML 1.0 keeps an inline table on one line, without a comma before its `}`.
    fn check_inline(&mut self, span: TextRange, table: &DeTable<'_>) {
        let mut pieces = Vec::new();
        inline_pieces(self.text, table, &mut pieces);
        pieces.sort_by_key(|r| r.start);
        let body_end = span.end - 1; // the closing `}`
        let mut cursor = span.start + 1;
        for piece in pieces.iter().copied().chain([TextRange::empty(body_end)]) {
            if piece.start > cursor {
                let gap = &self.text[cursor..piece.start];
                if gap.contains('\n') {
                    self.errors.push(SyntaxError {
                        range: TextRange::new(span.start, span.start + 1),
                        message: "this inline table spans several lines; wrangler reads TOML 1.0, \
                                  where an inline table must stay on one line"
                            .to_string(),
                    });
                    return;
                }
                if piece.start == body_end
                    && let Some(comma) = gap.find(',')
                {
                    let at = cursor + comma;
                    self.errors.push(SyntaxError {
                        range: TextRange::new(at, at + 1),
                        message: "trailing comma in an inline table; wrangler reads TOML 1.0, \
                                  which does not allow one"
                            .to_string(),
                    });
                    return;
                }
            }
            cursor = cursor.max(piece.end);
        }
    }
}

/// The key and value spans directly inside an inline table, descending into the tables that
/// dotted keys create (their content is written in the same braces).
fn inline_pieces(text: &str, table: &DeTable<'_>, out: &mut Vec<TextRange>) {
    for (key, value) in table.iter() {
        out.push(key.span().into());
        match value.get_ref() {
            DeValue::Table(inner) if !text[value.span()].starts_with('{') => {
                inline_pieces(text, inner, out)
            }
            _ => out.push(value.span().into()),
        }
    }
}

fn cover(first: TextRange, rest: impl Iterator<Item = TextRange>) -> TextRange {
    rest.filter(|r| !r.is_empty()).fold(first, |acc, r| {
        TextRange::new(acc.start.min(r.start), acc.end.max(r.end))
    })
}

fn cover_all(mut ranges: impl Iterator<Item = TextRange>) -> Option<TextRange> {
    let first = ranges.find(|r| !r.is_empty())?;
    Some(cover(first, ranges))
}
