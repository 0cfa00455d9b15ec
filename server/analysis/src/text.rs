//! Text positions: byte ranges inside a file, and conversion to line/column pairs.
//!
//! Analysis works on UTF-8 byte offsets. Protocol layers convert to the client's
//! position encoding (UTF-16 code units by default, UTF-8 bytes when negotiated).

/// A searcher for a fixed word, built on first use and kept for the process: building one
/// costs more than searching a method body with it.
macro_rules! word_finder {
    ($word:expr) => {{
        static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> = std::sync::LazyLock::new(|| memchr::memmem::Finder::new($word));
        &*FINDER
    }};
}
pub(crate) use word_finder;

use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` in a file's UTF-8 text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// True when `offset` lies inside the range or touches its end (a cursor at the end
    /// of an identifier still "is on" it).
    pub fn contains_inclusive(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn contains_range(&self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn as_range(&self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Range<usize>> for TextRange {
    fn from(r: Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A zero-based line and column, the column counted in the chosen [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of a text, for offset <-> line/column conversion.
/// Lines end at `\n`; a `\r` before it belongs to the line's end, as LSP counts it.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { line_starts }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.line_starts.get(line).copied()
    }

    /// Line/column of a byte offset. Offsets inside a multi-byte character count to its start.
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let slice = &text[start..end];
        let col = match enc {
            Encoding::Utf8 => slice.len(),
            Encoding::Utf16 => slice.chars().map(char::len_utf16).sum(),
        };
        LineCol { line: line as u32, col: col as u32 }
    }

    /// Byte offset of a line/column. A column past the line's end clamps to the end of the
    /// line (before its `\r\n`); a line past the end clamps to the end of the text.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let Some(&start) = self.line_starts.get(pos.line as usize) else {
            return text.len();
        };
        let line_end = self
            .line_starts
            .get(pos.line as usize + 1)
            .map(|&next| {
                let mut e = next - 1; // the '\n'
                if e > start && text.as_bytes()[e - 1] == b'\r' {
                    e -= 1;
                }
                e
            })
            .unwrap_or(text.len());
        let mut remaining = pos.col as usize;
        let mut offset = start;
        for ch in text[start..line_end].chars() {
            let w = match enc {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
            if remaining < w {
                break;
            }
            remaining -= w;
            offset += ch.len_utf8();
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "a😀b\r\nc";
        let idx = LineIndex::new(text);
        let b = text.find('b').unwrap();
        assert_eq!(idx.line_col(text, b, Encoding::Utf16), LineCol { line: 0, col: 3 });
        assert_eq!(idx.line_col(text, b, Encoding::Utf8), LineCol { line: 0, col: 5 });
        assert_eq!(idx.offset(text, LineCol { line: 0, col: 3 }, Encoding::Utf16), b);
        // Past the end of the line clamps before "\r\n".
        assert_eq!(idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16), b + 1);
        let c = text.find('c').unwrap();
        assert_eq!(idx.line_col(text, c, Encoding::Utf16), LineCol { line: 1, col: 0 });
        assert_eq!(idx.offset(text, LineCol { line: 7, col: 0 }, Encoding::Utf16), text.len());
    }
}
