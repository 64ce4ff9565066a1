//! Why a file cannot be read as text, and where: the error every decoding failure is told by.

/// Why a file cannot be read as text, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

impl DecodeError {
    pub(super) fn binary(line: Option<u64>, message: String) -> Self {
        DecodeError {
            line,
            column: None,
            message,
            hint: "in Excel, use Save As and choose \"CSV UTF-8\"".to_string(),
        }
    }

    /// The decode error inside an I/O error from a [`DecodingReader`](super::DecodingReader), if
    /// that is what it is.
    pub fn from_io(error: &std::io::Error) -> Option<&DecodeError> {
        error.get_ref()?.downcast_ref::<DecodeError>()
    }
}

/// The error for a file that is UTF-8 but for a few bytes: `bad` is the first byte that is not,
/// `multibyte` where the file has a UTF-8 character.
pub(super) fn mixed(bad: (u64, u64), byte: u8, multibyte: (u64, u64)) -> DecodeError {
    DecodeError {
        line: Some(bad.0),
        column: Some(bad.1),
        message: format!(
            "is UTF-8 text except for byte 0x{byte:02X} at line {}, column {} (the file has UTF-8 characters, the first at line {}, column {}), so it cannot be read safely either as UTF-8 or as Windows-1252",
            bad.0, bad.1, multibyte.0, multibyte.1
        ),
        hint: "correct that byte, or save the file again as \"CSV UTF-8\"; if it really is Windows-1252 throughout, give --encoding windows-1252".to_string(),
    }
}

/// As [`mixed`], when the UTF-8 character comes after the first byte that is not UTF-8.
pub(super) fn mixed_after(bad: (u64, u64), multibyte: (u64, u64)) -> DecodeError {
    DecodeError {
        line: Some(bad.0),
        column: Some(bad.1),
        message: format!(
            "is not UTF-8 text from line {}, column {}, but it has UTF-8 characters too (the first at line {}, column {}), so it cannot be read safely either as UTF-8 or as Windows-1252",
            bad.0, bad.1, multibyte.0, multibyte.1
        ),
        hint: "save the file again as \"CSV UTF-8\"; if it really is Windows-1252 throughout, give --encoding windows-1252".to_string(),
    }
}
