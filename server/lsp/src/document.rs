//! Open documents: the editor's text in a rope, and conversion between LSP positions and the
//! byte offsets the analysis works with.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol counts them. Columns are UTF-16
//! code units or UTF-8 bytes, whichever encoding was negotiated. Positions past the end of a
//! line or of the text clamp; a position inside a character (half of a surrogate pair, the
//! middle of a UTF-8 sequence) moves to the character's start.

use dols_analysis::{Encoding, TextEdit, TextRange};
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

/// A byte offset resolved from a position, and whether the position named it exactly
/// (false when it had to be clamped).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub offset: usize,
    pub exact: bool,
}

/// The result of applying one `didChange` notification's content changes.
#[derive(Debug, Default)]
pub struct Applied {
    /// Byte-range edits, each against the text as it was after the previous one.
    pub edits: Vec<TextEdit>,
    /// What was wrong with the changes (clamped or reversed ranges). When not empty, the
    /// caller should re-read the whole text rather than trust the edits.
    pub problems: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    rope: Rope,
}

impl Document {
    pub fn new(uri: Uri, version: i32, text: &str) -> Self {
        Self {
            uri,
            version,
            rope: Rope::from_str(text),
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn offset(&self, pos: Position, enc: Encoding) -> Resolved {
        offset_at(&self.rope, pos, enc)
    }

    /// Applies content changes in order. Every change's range refers to the text as it is
    /// after the changes before it; a change without a range replaces the whole text.
    pub fn apply_changes(&mut self, changes: &[TextDocumentContentChangeEvent], enc: Encoding) -> Applied {
        let mut applied = Applied::default();
        for (i, change) in changes.iter().enumerate() {
            let (start, end) = match change.range {
                None => (0, self.rope.len_bytes()),
                Some(range) => {
                    let s = self.offset(range.start, enc);
                    let e = self.offset(range.end, enc);
                    if !s.exact || !e.exact {
                        applied.problems.push(format!(
                            "change {i}: range {} is outside the text or inside a character; clamped",
                            show_range(range)
                        ));
                    }
                    if s.offset > e.offset {
                        applied
                            .problems
                            .push(format!("change {i}: range {} ends before it starts", show_range(range)));
                        (e.offset, s.offset)
                    } else {
                        (s.offset, e.offset)
                    }
                }
            };
            let start_char = self.rope.byte_to_char(start);
            let end_char = self.rope.byte_to_char(end);
            self.rope.remove(start_char..end_char);
            self.rope.insert(start_char, &change.text);
            applied.edits.push(TextEdit {
                range: TextRange::new(start, end),
                new_text: change.text.clone(),
            });
        }
        applied
    }
}

fn show_range(r: Range) -> String {
    format!(
        "{}:{}-{}:{}",
        r.start.line, r.start.character, r.end.line, r.end.character
    )
}

/// The char index where line `line`'s content ends (before its line break).
fn line_content_end(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let n = slice.len_chars();
    let brk = if n >= 2 && slice.char(n - 2) == '\r' && slice.char(n - 1) == '\n' {
        2
    } else if n >= 1 && matches!(slice.char(n - 1), '\n' | '\r') {
        1
    } else {
        0
    };
    start + n - brk
}

/// The byte offset of an LSP position in `rope`.
pub fn offset_at(rope: &Rope, pos: Position, enc: Encoding) -> Resolved {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return Resolved {
            offset: rope.len_bytes(),
            exact: false,
        };
    }
    let start = rope.line_to_char(line);
    let end = line_content_end(rope, line);
    let col = pos.character as usize;
    let (char_idx, exact) = match enc {
        Encoding::Utf16 => {
            let (s, e) = (rope.char_to_utf16_cu(start), rope.char_to_utf16_cu(end));
            if s + col > e {
                (end, false)
            } else {
                let c = rope.utf16_cu_to_char(s + col);
                (c, rope.char_to_utf16_cu(c) == s + col)
            }
        }
        Encoding::Utf8 => {
            let (s, e) = (rope.char_to_byte(start), rope.char_to_byte(end));
            if s + col > e {
                (end, false)
            } else {
                let c = rope.byte_to_char(s + col);
                (c, rope.char_to_byte(c) == s + col)
            }
        }
    };
    Resolved {
        offset: rope.char_to_byte(char_idx),
        exact,
    }
}

/// The LSP position of a byte offset in `rope`. Offsets past the end clamp to the end; an
/// offset inside a character or a line break counts as the start of it.
pub fn position_at(rope: &Rope, offset: usize, enc: Encoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let c = rope.byte_to_char(offset);
    let line = rope.char_to_line(c);
    let start = rope.line_to_char(line);
    let c = c.min(line_content_end(rope, line));
    let col = match enc {
        Encoding::Utf16 => rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(start),
        Encoding::Utf8 => rope.char_to_byte(c) - rope.char_to_byte(start),
    };
    Position::new(line as u32, col as u32)
}

pub fn range_at(rope: &Rope, range: TextRange, enc: Encoding) -> Range {
    Range::new(position_at(rope, range.start, enc), position_at(rope, range.end, enc))
}

/// Length of `s` in the units of `enc` (for offsets inside strings such as signature labels).
pub fn encoded_len(s: &str, enc: Encoding) -> u32 {
    match enc {
        Encoding::Utf8 => s.len() as u32,
        Encoding::Utf16 => s.encode_utf16().count() as u32,
    }
}

#[cfg(test)]
mod tests;
