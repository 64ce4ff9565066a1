//! Reading input files as text, as people really save them: UTF-8 with or without Excel's
//! byte-order mark, Windows-1252 from Excel's "CSV" on Windows (where `£` is byte 0xA3), UTF-16
//! from "Unicode text", and refusing binary files (a workbook saved as .xlsx, say) with a clear
//! message instead of mojibake.

use std::borrow::Cow;

/// The encoding to read input files in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 if the file is valid UTF-8, else Windows-1252 (with a warning saying so)
    #[default]
    Auto,
    /// UTF-8 only: anything else is an error
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252, as Excel writes "CSV" on Windows
    #[value(name = "windows-1252", alias = "cp1252", alias = "latin1")]
    Windows1252,
}

/// File contents as UTF-8, and what was done to get them.
#[derive(Debug)]
pub struct Decoded<'a> {
    pub text: Cow<'a, [u8]>,
    /// Set when the file was not UTF-8 and was converted: what it was read as.
    pub converted_from: Option<&'static str>,
}

/// Why a file cannot be read as text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: Option<u64>,
    pub message: String,
    pub hint: String,
}

impl DecodeError {
    fn binary(line: Option<u64>, message: String) -> Self {
        DecodeError {
            line,
            message,
            hint: "in Excel, use Save As and choose \"CSV UTF-8\"".to_string(),
        }
    }
}

/// Decodes file contents to UTF-8 bytes. The error says what the file seems to be instead.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<Decoded<'_>, DecodeError> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(DecodeError::binary(None, kind));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, used, _) = encoding_rs::UTF_16LE.decode(bytes);
        return Ok(Decoded {
            text: Cow::Owned(text.into_owned().into_bytes()),
            converted_from: Some(used.name()),
        });
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        let line = bytes[..offset]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64
            + 1;
        return Err(DecodeError::binary(
            Some(line),
            "has a NUL byte: it is binary or corrupt, not CSV or TOML text".to_string(),
        ));
    }
    match (encoding, std::str::from_utf8(bytes)) {
        (Encoding::Auto | Encoding::Utf8, Ok(_)) => Ok(Decoded {
            text: Cow::Borrowed(bytes),
            converted_from: None,
        }),
        (Encoding::Utf8, Err(error)) => {
            let offset = error.valid_up_to();
            let line = bytes[..offset]
                .iter()
                .filter(|&&byte| byte == b'\n')
                .count() as u64
                + 1;
            Err(DecodeError {
                line: Some(line),
                message: format!("is not UTF-8 text (byte 0x{:02X} at offset {offset})", bytes[offset]),
                hint: "the file may be Windows-1252, as Excel's plain \"CSV\" is: read it with --encoding windows-1252, or save it as \"CSV UTF-8\"".to_string(),
            })
        }
        (Encoding::Auto, Err(_)) | (Encoding::Windows1252, _) => {
            if looks_binary(bytes) {
                return Err(DecodeError::binary(
                    None,
                    "is binary data, not CSV or TOML text".to_string(),
                ));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(Decoded {
                text: Cow::Owned(text.into_owned().into_bytes()),
                converted_from: Some("Windows-1252"),
            })
        }
    }
}

/// What a binary file seems to be, from its first bytes.
fn binary_kind(bytes: &[u8]) -> Option<String> {
    let kinds: [(&[u8], &str); 5] = [
        (
            b"PK\x03\x04",
            "an Excel workbook (.xlsx) or another ZIP file",
        ),
        (
            b"\xD0\xCF\x11\xE0",
            "an old Excel workbook (.xls) or another Office file",
        ),
        (b"%PDF", "a PDF"),
        (b"\x89PNG", "a PNG image"),
        (b"\x1F\x8B", "a gzip-compressed file"),
    ];
    kinds
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, kind)| format!("is {kind}, not CSV or TOML text"))
}

/// Text has few control characters other than tabs and line breaks; binary data has many.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    controls * 100 > sample.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_read_as_is() {
        let decoded = decode("family_id,service\n£".as_bytes(), Encoding::Auto).unwrap();
        assert!(matches!(decoded.text, Cow::Borrowed(_)));
        assert_eq!(decoded.converted_from, None);
    }

    #[test]
    fn windows_1252_pound_signs_are_decoded_and_reported() {
        let decoded = decode(b"quantity\n\xA31,930\n", Encoding::Auto).unwrap();
        assert_eq!(
            std::str::from_utf8(&decoded.text).unwrap(),
            "quantity\n£1,930\n"
        );
        assert_eq!(decoded.converted_from, Some("Windows-1252"));
        let error = decode(b"quantity\n\xA31,930\n", Encoding::Utf8).unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(
            error.message.contains("is not UTF-8 text (byte 0xA3"),
            "{error:?}"
        );
    }

    #[test]
    fn utf16_from_unicode_text_is_decoded() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a,£\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let decoded = decode(&bytes, Encoding::Auto).unwrap();
        assert_eq!(std::str::from_utf8(&decoded.text).unwrap(), "a,£\n");
    }

    #[test]
    fn binary_files_are_named_not_decoded() {
        assert!(
            decode(b"PK\x03\x04rest", Encoding::Auto)
                .unwrap_err()
                .message
                .contains("Excel workbook (.xlsx)")
        );
        let nul = decode(b"a,b\nc\x00d\n", Encoding::Auto).unwrap_err();
        assert_eq!(nul.line, Some(2));
        assert!(nul.message.contains("has a NUL byte"));
        let noise: Vec<u8> = (0..200u8)
            .map(|byte| byte.wrapping_mul(37) % 32)
            .chain([0xFF])
            .filter(|&b| b != 0)
            .collect();
        assert!(
            decode(&noise, Encoding::Auto)
                .unwrap_err()
                .message
                .contains("binary")
        );
    }
}
