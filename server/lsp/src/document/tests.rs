use std::path::Path;
use std::str::FromStr;

use dols_analysis::Analysis;
use proptest::prelude::*;

use super::*;

fn doc(text: &str) -> Document {
    Document::new(Uri::from_str("file:///w/src/index.ts").unwrap(), 1, text)
}

fn pos(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

fn change(range: Option<(u32, u32, u32, u32)>, text: &str) -> TextDocumentContentChangeEvent {
    TextDocumentContentChangeEvent {
        range: range.map(|(a, b, c, d)| Range::new(pos(a, b), pos(c, d))),
        range_length: None,
        text: text.to_string(),
    }
}

#[test]
fn utf16_positions_count_surrogate_pairs_and_clamp() {
    // Line 0 is "a😀é" + CRLF, line 1 is "x" ended by a lone CR, line 2 is "y".
    let text = "a😀é\r\nx\ry";
    let d = doc(text);
    let at = |l, c| d.offset(pos(l, c), Encoding::Utf16);
    assert_eq!(at(0, 0), Resolved { offset: 0, exact: true });
    assert_eq!(at(0, 1), Resolved { offset: 1, exact: true });
    // Inside the surrogate pair: the emoji's start, not exact.
    assert_eq!(
        at(0, 2),
        Resolved {
            offset: 1,
            exact: false
        }
    );
    assert_eq!(at(0, 3), Resolved { offset: 5, exact: true });
    assert_eq!(at(0, 4), Resolved { offset: 7, exact: true });
    // Past the end of the line: before the CRLF.
    assert_eq!(
        at(0, 5),
        Resolved {
            offset: 7,
            exact: false
        }
    );
    assert_eq!(at(1, 0), Resolved { offset: 9, exact: true });
    assert_eq!(
        at(1, 1),
        Resolved {
            offset: 10,
            exact: true
        }
    );
    assert_eq!(
        at(2, 0),
        Resolved {
            offset: 11,
            exact: true
        }
    );
    assert_eq!(
        at(2, 1),
        Resolved {
            offset: 12,
            exact: true
        }
    );
    // Past the last line: the end of the text.
    assert_eq!(
        at(3, 0),
        Resolved {
            offset: 12,
            exact: false
        }
    );

    let back = |o| position_at(d.rope(), o, Encoding::Utf16);
    assert_eq!(back(5), pos(0, 3));
    assert_eq!(back(2), pos(0, 1)); // inside the emoji
    assert_eq!(back(8), pos(0, 4)); // between \r and \n
    assert_eq!(back(10), pos(1, 1));
    assert_eq!(back(11), pos(2, 0));
    assert_eq!(back(99), pos(2, 1));
}

#[test]
fn utf8_positions_count_bytes() {
    let d = doc("é😀x\nz");
    let at = |l, c| d.offset(pos(l, c), Encoding::Utf8);
    assert_eq!(at(0, 2), Resolved { offset: 2, exact: true });
    assert_eq!(
        at(0, 4),
        Resolved {
            offset: 2,
            exact: false
        }
    ); // inside the emoji
    assert_eq!(at(0, 6), Resolved { offset: 6, exact: true });
    assert_eq!(
        at(0, 9),
        Resolved {
            offset: 7,
            exact: false
        }
    );
    assert_eq!(position_at(d.rope(), 6, Encoding::Utf8), pos(0, 6));
    assert_eq!(position_at(d.rope(), 8, Encoding::Utf8), pos(1, 0));
}

#[test]
fn every_boundary_round_trips() {
    let text = "héllo 😀\r\n\tw😀rld\r\r\n\n“q”\u{2028}end";
    let d = doc(text);
    for enc in [Encoding::Utf8, Encoding::Utf16] {
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let p = position_at(d.rope(), offset, enc);
            let r = d.offset(p, enc);
            // Offsets inside a line break map to the line's end.
            let expected = if text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                offset - 1
            } else {
                offset
            };
            assert_eq!(r.offset, expected, "{enc:?} offset {offset} -> {p:?}");
        }
    }
}

#[test]
fn only_lf_cr_and_crlf_break_lines() {
    // Guards the ropey features: with `unicode_lines` these would be several lines.
    let rope = Rope::from_str("a\u{2028}b\u{2029}c\u{85}d\u{0B}e\u{0C}f");
    assert_eq!(rope.len_lines(), 1);
    assert_eq!(Rope::from_str("a\rb\r\nc\nd").len_lines(), 4);
}

#[test]
fn incremental_and_full_changes() {
    let mut d = doc("const a = 1;\r\nlet 😀 = \"x\";\n");
    let applied = d.apply_changes(
        &[
            change(Some((1, 4, 1, 6)), "emoji"), // replace the emoji (2 UTF-16 units)
            change(Some((1, 9, 1, 9)), "\n  "),  // relative to the text after the first change
            change(Some((0, 6, 0, 7)), "b"),
        ],
        Encoding::Utf16,
    );
    assert!(applied.problems.is_empty(), "{:?}", applied.problems);
    assert_eq!(d.text(), "const b = 1;\r\nlet emoji\n   = \"x\";\n");
    assert_eq!(applied.edits[0].range, TextRange::new(18, 22));
    assert_eq!(applied.edits[1].range, TextRange::new(23, 23));
    let applied = d.apply_changes(&[change(None, "fresh")], Encoding::Utf16);
    assert_eq!(applied.edits[0].range, TextRange::new(0, 34));
    assert_eq!(d.text(), "fresh");
}

#[test]
fn bad_ranges_are_reported_and_applied_clamped() {
    let mut d = doc("ab\ncd");
    let applied = d.apply_changes(
        &[change(Some((1, 1, 0, 1)), "X"), change(Some((9, 0, 9, 0)), "!")],
        Encoding::Utf16,
    );
    assert_eq!(applied.problems.len(), 2, "{:?}", applied.problems);
    assert_eq!(d.text(), "aXd!");
}

// ---- Random edits through Document + Analysis::apply_edits ----

/// An independent model of LSP positions: split lines naively, count UTF-16 units.
fn model_offset(text: &str, p: Position) -> usize {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 2;
                continue;
            }
            b'\r' | b'\n' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    let Some(&start) = starts.get(p.line as usize) else {
        return text.len();
    };
    let end = starts.get(p.line as usize + 1).map_or(text.len(), |&next| {
        let line = &text[start..next];
        next - if line.ends_with("\r\n") { 2 } else { 1 }
    });
    let mut units = 0;
    for (i, ch) in text[start..end].char_indices() {
        if units + ch.len_utf16() > p.character as usize {
            return start + i;
        }
        units += ch.len_utf16();
    }
    end
}

const TOKENS: &[&str] = &[
    "a",
    "é",
    "😀",
    "\r\n",
    "\n",
    "\r",
    "\"",
    "'",
    "`",
    "{",
    "}",
    "(",
    ")",
    ";",
    " ",
    "class D extends DurableObject {",
    "//",
    "/*",
    "*/",
    "${",
    "ctx.storage.sql.exec(",
    "\u{2028}",
];

const INITIAL: &str = "import { DurableObject } from \"cloudflare:workers\";\r\n\
    // Zähler 😀 — “quoted”\r\n\
    export class Counter extends DurableObject {\n\
    \tasync fetch(req) {\r\n\
    \t\tconst n = this.ctx.storage.sql.exec(`SELECT 1 -- é`).one();\n\
    \t\treturn new Response(`${n} 🎉`);\r\n\
    \t}\n\
    }\n";

#[derive(Clone, Debug)]
struct RawEdit {
    a: (u32, u32),
    b: (u32, u32),
    insert: Vec<usize>,
}

fn raw_edit() -> impl Strategy<Value = RawEdit> {
    (
        any::<(u32, u32)>(),
        any::<(u32, u32)>(),
        prop::collection::vec(0..TOKENS.len(), 0..5),
    )
        .prop_map(|(a, b, insert)| RawEdit { a, b, insert })
}

/// A position from raw numbers: mostly inside the text, sometimes a column or line past it.
fn position_in(text: &str, (l, c): (u32, u32)) -> Position {
    let lines = Rope::from_str(text).len_lines() as u32;
    let line = l % (lines + 1);
    Position::new(line, c % 90)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_incremental_edits_match_a_fresh_parse(
        batches in prop::collection::vec(prop::collection::vec(raw_edit(), 1..4), 1..32)
    ) {
        let path = Path::new("/w/src/index.ts");
        let mut analysis = Analysis::new();
        analysis.set_file(path, INITIAL.to_string());
        let mut d = doc(INITIAL);
        let mut model = INITIAL.to_string();
        for batch in &batches {
            let mut changes = Vec::new();
            let mut scratch = model.clone();
            for e in batch {
                let (mut p1, mut p2) = (position_in(&scratch, e.a), position_in(&scratch, e.b));
                if (p1.line, p1.character) > (p2.line, p2.character) {
                    std::mem::swap(&mut p1, &mut p2);
                }
                let insert: String = e.insert.iter().map(|&i| TOKENS[i]).collect();
                let (s, t) = (model_offset(&scratch, p1), model_offset(&scratch, p2));
                scratch.replace_range(s..t, &insert);
                changes.push(TextDocumentContentChangeEvent { range: Some(Range::new(p1, p2)), range_length: None, text: insert });
            }
            let applied = d.apply_changes(&changes, Encoding::Utf16);
            model = scratch;
            prop_assert_eq!(d.text(), model.clone());
            prop_assert!(analysis.apply_edits(path, &applied.edits));
            prop_assert_eq!(&*analysis.source(path).unwrap().text, model.as_str());
        }
        let mut fresh = Analysis::new();
        fresh.set_file(path, model.clone());
        let incremental = analysis.source(path).unwrap().tree.root_node().to_sexp();
        let full = fresh.source(path).unwrap().tree.root_node().to_sexp();
        prop_assert_eq!(incremental, full);
    }
}
