//! Which reader a workbook needs (`.xlsx` or `.xls`), by what the file holds rather than its name,
//! and opening it with that reader.

use crate::diagnostic::{Diagnostics, Location};
use crate::input_path::InputPath;
use calamine::{Sheets, Xls, Xlsx, open_workbook_from_rs};

/// The first bytes of an `.xls` (Excel 97–2003) workbook: an OLE2 compound file.
const OLE2_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Which reader a workbook needs, by what the file holds rather than what it is called: a file
/// saved from a website or renamed by hand is often not what its extension says (an `.xlsx`
/// renamed `.xls`, or a web page or a CSV given the name `.xls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkbookKind {
    /// Excel 97–2003, BIFF8 in an OLE2 compound file.
    Xls,
    /// Office Open XML, a ZIP archive (`.xlsx`, `.xlsm`).
    Xlsx,
}

/// The kind of workbook `bytes` hold, or what they are instead, in words for a message.
pub fn workbook_kind(bytes: &[u8]) -> Result<WorkbookKind, String> {
    if bytes.starts_with(&OLE2_SIGNATURE) {
        return Ok(WorkbookKind::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An OpenDocument file is a ZIP too, whose first entry, `mimetype`, says what it is.
        if bytes
            .get(30..)
            .is_some_and(|rest| rest.starts_with(b"mimetypeapplication/vnd.oasis.opendocument"))
        {
            return Err("it is an OpenDocument file (.ods), not an Excel workbook".to_string());
        }
        return Ok(WorkbookKind::Xlsx);
    }
    if bytes.is_empty() {
        return Err("it is empty".to_string());
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("%pdf") {
        return Err("it is a PDF, not a workbook".to_string());
    }
    if start.starts_with('<') && (text.contains("<html") || text.contains("<table")) {
        return Err(
            "it is a web page (HTML) named as a workbook, as some websites' \"Excel\" downloads are"
                .to_string(),
        );
    }
    if start.starts_with("<?xml") {
        return Err(
            "it is an XML file (an Excel 2003 XML spreadsheet?), not an .xls or .xlsx workbook"
                .to_string(),
        );
    }
    if !head.contains(&0) && std::str::from_utf8(head).is_ok() {
        return Err("it is text (a CSV or tab-separated file?), not a workbook; the theme sheets' CSV exports are read as CSV when their names end .csv".to_string());
    }
    Err("it is not an Excel workbook: an .xls file begins with the bytes D0 CF 11 E0, an .xlsx file is a ZIP archive".to_string())
}

/// Opens the workbook with the reader its contents need.
pub(super) fn open(
    file: &InputPath,
    shown: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Sheets<std::io::Cursor<Vec<u8>>>> {
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(error) => {
            diagnostics.push(file.unreadable("Unit Cost Database workbook", &error));
            return None;
        }
    };
    match open_bytes(bytes) {
        Ok(workbook) => Some(workbook),
        Err(what) => {
            diagnostics
                .error(
                    Some(Location::file(shown)),
                    format!("the Unit Cost Database workbook cannot be read: {what}"),
                )
                .hint("give the .xlsx or .xls workbook as downloaded (or open this file in Excel or LibreOffice and save it as .xlsx), or its theme sheets exported as CSV");
            None
        }
    }
}

/// A workbook's bytes opened with the reader their first bytes call for, not the file's name
/// (an `.xls` saved as `.xlsx` is read), or what they are instead, in words for a message.
pub fn open_bytes(bytes: Vec<u8>) -> Result<Sheets<std::io::Cursor<Vec<u8>>>, String> {
    let kind = workbook_kind(&bytes)?;
    let cursor = std::io::Cursor::new(bytes);
    match kind {
        WorkbookKind::Xls => open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|error| {
                format!("it begins as an .xls (Excel 97-2003) workbook does, but cannot be read as one ({error}): it may be damaged or cut short")
            }),
        WorkbookKind::Xlsx => open_workbook_from_rs::<Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|error| {
                format!("it is a ZIP archive, as an .xlsx workbook is, but cannot be read as a workbook ({error}): it may be damaged, or another kind of ZIP file")
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_known_by_its_first_bytes() {
        let mut xls = OLE2_SIGNATURE.to_vec();
        xls.extend_from_slice(&[0; 8]);
        assert_eq!(workbook_kind(&xls), Ok(WorkbookKind::Xls));
        assert_eq!(workbook_kind(b"PK\x03\x04\x14\x00"), Ok(WorkbookKind::Xlsx));
        assert!(
            workbook_kind(b"\xEF\xBB\xBF<!DOCTYPE html><html>")
                .unwrap_err()
                .contains("web page")
        );
        assert!(
            workbook_kind(b"<?xml version=\"1.0\"?><Workbook>")
                .unwrap_err()
                .contains("XML file")
        );
        assert!(workbook_kind(b"%PDF-1.4").unwrap_err().contains("PDF"));
        assert!(
            workbook_kind(b"code\tcost\nCR1.0\t500\n")
                .unwrap_err()
                .contains("it is text")
        );
        // The first half of the signature alone is not a workbook.
        assert!(
            workbook_kind(&OLE2_SIGNATURE[..4])
                .unwrap_err()
                .contains("not an Excel workbook")
        );
    }
}
