//! User-supplied text made safe to show: on a terminal, in a message, in a page or a table.
//!
//! Family ids, service ids, study names, agency names and file names come from files anyone may
//! have written. Shown raw, an escape character clears the screen or sets the terminal's title
//! (`\x1b]0;...\x07`), a backspace or carriage return overwrites what was printed before it, and a
//! bidirectional override (U+202E) makes a row read in a different order from how it is stored.
//! Each such character is shown as a visible escape instead (`\x1b`, `\u{202e}`), so that the user
//! sees what is in the file. Everything else, including £, accents, CJK and emoji, is unchanged.
//!
//! Backslashes are not doubled: an id that really is the four characters `\x1b` then looks like one
//! holding an escape character, but nothing reaches the terminal that it would act on, and text
//! escaped twice (a message escaped when a diagnostic is drawn, then again when `main` prints it)
//! stays as it was after the first time.
//!
//! Only what is shown is escaped: JSON and CSV outputs, and the figures' data, keep the exact text
//! (JSON escapes control characters in its own way; a CSV field holds any character).

use std::borrow::Cow;
use std::fmt;

/// Whether newlines and tabs may stay as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// One line: a table cell, a name, a title. A newline would make a cell look like two rows.
    Single,
    /// Text whose own line breaks and tabs are part of its layout, such as a whole error message.
    Kept,
}

/// Whether `character` must not be shown raw: every C0 control, DEL, every C1 control, the
/// bidirectional embeddings, overrides, isolates and marks, and the line and paragraph separators
/// (which some terminals and editors treat as line breaks). With [`Lines::Kept`], `\n` and `\t`
/// are allowed.
pub fn is_hazard(character: char, lines: Lines) -> bool {
    match character {
        '\n' | '\t' => lines == Lines::Single,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Bidirectional formatting: left-to-right, right-to-left and Arabic letter marks,
        // embeddings and overrides (U+202A..U+202E), and isolates (U+2066..U+2069).
        '\u{200e}'
        | '\u{200f}'
        | '\u{061c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        '\u{2028}' | '\u{2029}' => true,
        _ => false,
    }
}

/// A character as a visible escape: `\n`, `\t`, `\r`, `\x1b` for the rest of ASCII, and
/// `\u{202e}` beyond it, as Rust writes them.
#[derive(Debug, Clone, Copy)]
pub struct Escaped(pub char);

impl fmt::Display for Escaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            '\n' => f.write_str("\\n"),
            '\t' => f.write_str("\\t"),
            '\r' => f.write_str("\\r"),
            character if character.is_ascii() => write!(f, "\\x{:02x}", character as u32),
            character => write!(f, "\\u{{{:x}}}", character as u32),
        }
    }
}

/// `text` with every hazardous character escaped; borrowed, not copied, when there is none.
pub fn escape(text: &str, lines: Lines) -> Cow<'_, str> {
    let Some(first) = text.find(|character| is_hazard(character, lines)) else {
        return Cow::Borrowed(text);
    };
    let mut escaped = String::with_capacity(text.len() + 8);
    escaped.push_str(&text[..first]);
    for character in text[first..].chars() {
        if is_hazard(character, lines) {
            use std::fmt::Write;
            let _ = write!(escaped, "{}", Escaped(character));
        } else {
            escaped.push(character);
        }
    }
    Cow::Owned(escaped)
}

/// One line of text made safe to show: see [`escape`].
pub fn line(text: &str) -> Cow<'_, str> {
    escape(text, Lines::Single)
}

/// Text with its own line breaks made safe to show: see [`escape`].
pub fn lines(text: &str) -> Cow<'_, str> {
    escape(text, Lines::Kept)
}

/// [`line()`] for text already owned: the same `String` back when there is nothing to escape.
pub fn line_owned(text: String) -> String {
    let escaped = match line(&text) {
        Cow::Borrowed(_) => None,
        Cow::Owned(escaped) => Some(escaped),
    };
    escaped.unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed_and_unchanged() {
        for text in [
            "",
            "Family E",
            "£1,930 Zoë 東京 🏠 naïve",
            r"C:\data\before.csv",
        ] {
            assert!(matches!(line(text), Cow::Borrowed(shown) if shown == text));
        }
        assert!(matches!(lines("a\n\tb"), Cow::Borrowed("a\n\tb")));
    }

    #[test]
    fn controls_and_bidi_overrides_are_shown_as_escapes() {
        assert_eq!(line("\u{1b}[2Ja"), r"\x1b[2Ja");
        assert_eq!(line("\u{1b}]0;pwned\u{7}"), r"\x1b]0;pwned\x07");
        assert_eq!(line("a\u{8}b\u{7f}c\rd"), r"a\x08b\x7fc\rd");
        assert_eq!(line("x\u{9b}31m"), r"x\u{9b}31m");
        assert_eq!(line("abc\u{202e}fed"), r"abc\u{202e}fed");
        assert_eq!(
            line("\u{2066}\u{2069}\u{200f}"),
            r"\u{2066}\u{2069}\u{200f}"
        );
        assert_eq!(line("a\nb\tc"), r"a\nb\tc");
        assert_eq!(lines("a\nb\tc\u{0}"), "a\nb\tc\\x00");
        // Every C0 and C1 control is caught, and nothing printable is.
        for code in (0..=0x1f).chain(0x7f..=0x9f) {
            let character = char::from_u32(code).unwrap();
            let shown = line(&character.to_string()).into_owned();
            assert!(shown.starts_with('\\'), "{code:#x}: {shown}");
            assert!(!shown.chars().any(|c| c.is_control()), "{code:#x}: {shown}");
        }
        assert_eq!(line(" ~\u{a0}é"), " ~\u{a0}é");
    }

    #[test]
    fn escaping_twice_changes_nothing_more() {
        let once = line("\u{1b}]0;x\u{7}\u{202e}").into_owned();
        assert_eq!(line(&once), once);
        assert_eq!(lines(&once), once);
    }
}
