//! Keeping text safe to open in a spreadsheet. A cell that starts with `=`, `+`, `-`, `@`, a tab or
//! a carriage return is read by Excel and LibreOffice as a formula, so a hostile family id such as
//! `=HYPERLINK("http://x","y")` would run in a finance officer's workbook. Such text is written
//! with a leading apostrophe, which spreadsheets show as text and never run.

use std::borrow::Cow;

/// Whether a spreadsheet would treat text starting like this as a formula.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Text made safe for a spreadsheet cell.
pub fn safe_text(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_plain_text_is_untouched() {
        assert_eq!(
            safe_text("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        for start in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_text(start).starts_with('\''), "{start:?}");
        }
        assert_eq!(safe_text("F0000001"), "F0000001");
        assert_eq!(safe_text("Police"), "Police");
        assert_eq!(safe_text(""), "");
    }
}
