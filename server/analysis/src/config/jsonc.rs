//! `wrangler.jsonc` / `wrangler.json`: JSON with comments and trailing commas, which is what
//! wrangler's own reader accepts. The looser JSON5-like extensions the parser crate offers
//! (single quotes, bare keys, hex numbers, …) are turned off, since wrangler rejects them.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::read::{Kind, Node, Prop, read};
use super::{ConfigFormat, SyntaxError, WranglerConfig, error_range};
use crate::text::TextRange;

fn options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

pub(super) fn parse(text: &str) -> WranglerConfig {
    let mut config = WranglerConfig::default();
    match parse_to_ast(text, &CollectOptions::default(), &options()) {
        Ok(result) => {
            if let Some(value) = result.value {
                read(ConfigFormat::Jsonc, &convert(&value), &mut config);
            }
        }
        Err(err) => {
            let raw = TextRange::new(err.range().start, err.range().end);
            let (range, message) = match err.kind() {
                // These come with the range of everything from the opener to the end of the
                // text; point at the opener instead.
                ParseErrorKind::UnterminatedObject => (
                    opener(raw, 1),
                    "unterminated object: this `{` is never closed".to_string(),
                ),
                ParseErrorKind::UnterminatedArray => (
                    opener(raw, 1),
                    "unterminated array: this `[` is never closed".to_string(),
                ),
                ParseErrorKind::UnterminatedCommentBlock => (
                    opener(raw, 2),
                    "unterminated comment: this `/*` is never closed".to_string(),
                ),
                kind => (raw, kind.to_string()),
            };
            config.syntax_errors.push(SyntaxError {
                range: error_range(text, range),
                message,
            });
        }
    }
    config
}

fn opener(raw: TextRange, len: usize) -> TextRange {
    TextRange::new(raw.start, (raw.start + len).min(raw.end))
}

fn convert(value: &Value<'_>) -> Node {
    let (kind, range) = match value {
        Value::StringLit(s) => (Kind::Str(s.value.to_string()), s.range),
        Value::NumberLit(n) => (Kind::Number, n.range),
        Value::BooleanLit(b) => (Kind::Bool, b.range),
        Value::NullKeyword(n) => (Kind::Null, n.range),
        Value::Array(a) => (
            Kind::Array(a.elements.iter().map(convert).collect()),
            a.range,
        ),
        Value::Object(o) => {
            let props = o
                .properties
                .iter()
                .map(|p| {
                    let (key, key_range) = match &p.name {
                        ObjectPropName::String(s) => (s.value.to_string(), s.range),
                        ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                    };
                    let key_range = TextRange::new(key_range.start, key_range.end);
                    Prop {
                        key,
                        key_range,
                        value: convert(&p.value),
                    }
                })
                .collect();
            (Kind::Object(props), o.range)
        }
    };
    let range = TextRange::new(range.start, range.end);
    Node {
        kind,
        range,
        head: range,
    }
}
