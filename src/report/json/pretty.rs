//! The pretty JSON a study's figures are written in: byte for byte what serde_json's
//! `PrettyFormatter` writes with its two-space indent, but with each line break and its indent
//! written in one piece, and able to start deep in a document, so that parts of one document can
//! be serialised apart and joined (see `pieces`).

use std::io::{self, Write};

/// The deepest indent written in one piece; deeper ones are written in two-space steps beyond.
const DEEPEST: usize = 64;

/// A comma, a line break and the deepest indent: every line break is a slice of it.
static BREAK: [u8; 2 + 2 * DEEPEST] = {
    let mut bytes = [b' '; 2 + 2 * DEEPEST];
    bytes[0] = b',';
    bytes[1] = b'\n';
    bytes
};

/// Writes a line break indented `depth` levels, after a comma if `comma`.
pub(super) fn line_break<W: ?Sized + Write>(
    writer: &mut W,
    depth: usize,
    comma: bool,
) -> io::Result<()> {
    let start = if comma { 0 } else { 1 };
    if depth <= DEEPEST {
        writer.write_all(&BREAK[start..2 + 2 * depth])
    } else {
        writer.write_all(&BREAK[start..])?;
        for _ in DEEPEST..depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

/// serde_json's pretty formatter, two spaces an indent, with the indent written in one piece
/// rather than one write a level: a national study's JSON has hundreds of millions of them.
///
/// Bytes serialised through it are written as they are, not as an array of numbers: that is how
/// a piece of JSON serialised apart (see `pieces`) is put into the document. Nothing else in a
/// study's JSON is serialised as bytes.
pub(super) struct Pretty {
    /// How many arrays and objects are open.
    depth: usize,
    /// Whether the innermost array or object open has a value yet (as `PrettyFormatter` keeps
    /// it: one flag, not one a level, which is enough because a value closes what it opened).
    has_value: bool,
}

impl Pretty {
    /// A formatter for a whole document.
    pub(super) fn new() -> Pretty {
        Pretty::at(0)
    }

    /// A formatter for a value inside `depth` arrays and objects of a document.
    pub(super) fn at(depth: usize) -> Pretty {
        Pretty {
            depth,
            has_value: false,
        }
    }

    /// Opens an array or object one level deeper.
    #[inline]
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// Closes an array or object, on a line of its own if it had anything in it.
    #[inline]
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            line_break(writer, self.depth, false)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    #[inline]
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    #[inline]
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        line_break(writer, self.depth, !first)
    }

    #[inline]
    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    #[inline]
    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    #[inline]
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        line_break(writer, self.depth, !first)
    }

    #[inline]
    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    #[inline]
    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_byte_array<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        value: &[u8],
    ) -> io::Result<()> {
        writer.write_all(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    fn ours<T: Serialize>(value: &T) -> Vec<u8> {
        let mut written = Vec::new();
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut written,
                Pretty::new(),
            ))
            .unwrap();
        written
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let value = json!({
            "empty_array": [],
            "empty_object": {},
            "nested": [[], {}, [[]], [{}], {"a": []}, {"a": {}}, [1, [2, [3]]]],
            "text": "a \"quoted\"\nline\u{1}",
            "numbers": [0, -1, 1.5, null, true, false],
            "objects": [{"a": 1, "b": {"c": [1, 2]}}, {}],
        });
        assert_eq!(
            String::from_utf8(ours(&value)).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }

    #[test]
    fn writes_deep_indents_as_serde_json_does() {
        // Deeper than the indent written in one piece, with a value at every level.
        let mut value = json!([1, {"deepest": []}]);
        for level in 0..(DEEPEST + 5) {
            value = json!({ "level": level, "inside": [value, level] });
        }
        assert_eq!(
            String::from_utf8(ours(&value)).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
