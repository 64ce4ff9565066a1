//! Fitting text to a column: wrapping between words, with a hanging indent, and breaking only a
//! word or figure too wide for its column on its own.

use unicode_width::UnicodeWidthStr;

pub(super) fn indent(text: &str) -> usize {
    text.len() - text.trim_start_matches(' ').len()
}

/// The narrowest `text` can be wrapped to: its longest word after its indent, or all of a figure.
pub(super) fn narrowest(text: &str, numeric: bool) -> usize {
    if numeric {
        return text.trim().width();
    }
    let longest = text.split_whitespace().map(str::width).max().unwrap_or(0);
    if longest == 0 {
        0
    } else {
        indent(text) + longest
    }
}

/// `text` wrapped between words to lines no wider than `width`, each continuation line indented
/// as the first is (an item under its heading stays under it). A figure is kept whole; only a
/// word or figure wider than the column on its own is broken, as the last resort.
pub(super) fn wrap(text: &str, width: usize, numeric: bool) -> String {
    wrap_hanging(text, width, numeric, 0)
}

/// Each line of a message wrapped to `width` (when there is one), its continuation lines
/// indented two more than the line itself, so that a long `warning:` or `help:` reads as one.
pub fn wrap_message(text: &str, width: Option<u16>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let mut wrapped = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (line, newline) = match line.strip_suffix('\n') {
            Some(line) => (line, "\n"),
            None => (line, ""),
        };
        wrapped.push_str(&wrap_hanging(line, usize::from(width), false, 2));
        wrapped.push_str(newline);
    }
    wrapped
}

/// [`wrap`], with continuation lines indented `hanging` more than the first.
fn wrap_hanging(text: &str, width: usize, numeric: bool, hanging: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let width = width.max(1);
    if numeric {
        return break_word(text.trim(), width).join("\n");
    }
    // An indent that would leave a narrow column no room for words is narrowed.
    let first_indent = indent(text).min(width / 2);
    let indent = (first_indent + hanging).min(width / 2);
    let prefix = " ".repeat(indent);
    let mut lines = Vec::new();
    let mut line = " ".repeat(first_indent);
    let mut line_width = first_indent;
    let mut has_words = false;
    for word in text.split_whitespace() {
        let word_width = word.width();
        if has_words && line_width + 1 + word_width > width {
            lines.push(std::mem::replace(&mut line, prefix.clone()));
            line_width = indent;
            has_words = false;
        }
        if line_width + word_width > width {
            let mut pieces = break_word(word, width.saturating_sub(line_width).max(1));
            let last = pieces.pop().unwrap_or_default();
            for piece in pieces {
                line.push_str(&piece);
                lines.push(std::mem::replace(&mut line, prefix.clone()));
            }
            line_width = indent + last.width();
            line.push_str(&last);
            has_words = true;
            continue;
        }
        if has_words {
            line.push(' ');
            line_width += 1;
        }
        line.push_str(word);
        line_width += word_width;
        has_words = true;
    }
    lines.push(line);
    lines.join("\n")
}

/// A word too wide for its column, in pieces that fit: after a `/`, `-` or `_` where one is near
/// the end of a piece (a path or an id reads best broken there), otherwise at the width.
fn break_word(word: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = word;
    while rest.width() > width {
        let mut end = 0;
        let mut used = 0;
        let mut after_separator = None;
        for (index, character) in rest.char_indices() {
            let character_width = unicode_width::UnicodeWidthChar::width(character).unwrap_or(0);
            if used + character_width > width {
                break;
            }
            used += character_width;
            end = index + character.len_utf8();
            if matches!(character, '/' | '-' | '_' | ',' | '.') {
                after_separator = Some(end);
            }
        }
        if end == 0 {
            // A character wider than the column: it goes on a line of its own.
            end = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        let cut = after_separator.filter(|cut| cut * 2 > end).unwrap_or(end);
        pieces.push(rest[..cut].to_string());
        rest = &rest[cut..];
    }
    pieces.push(rest.to_string());
    pieces
}
