//! Reading input files as text.

use std::path::Path;

/// Reads a whole file as UTF-8 text, dropping a leading byte-order mark (Excel writes one).
pub fn read_to_string(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|error| describe_io_error(path, &error))?;
    decode(bytes)
}

/// Decodes file contents as UTF-8 text without a byte-order mark.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|error| {
        format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            error.utf8_error().valid_up_to()
        )
    })
}

/// An I/O error in words a user can act on, naming the path as it was resolved.
pub fn describe_io_error(path: &Path, error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => format!("file not found: {}", path.display()),
        std::io::ErrorKind::PermissionDenied => {
            format!("permission denied reading {}", path.display())
        }
        _ if path.is_dir() => format!("{} is a folder, not a file", path.display()),
        _ => format!("cannot read {}: {error}", path.display()),
    }
}
