//! What raw bytes are: a binary file's kind, UTF-8 sequences and characters, and lines that are
//! Windows-1252.

/// A line that is not UTF-8, as Windows-1252 text, if it is that: none of the bytes Windows-1252
/// leaves undefined, and no UTF-8 character (which would make its file neither). For the fast
/// reader, which meets such lines one at a time; the rule is
/// [`DecodingReader`](super::DecodingReader)'s.
pub fn windows_1252_line(line: &[u8]) -> Option<String> {
    let clean = line.iter().enumerate().all(|(index, &byte)| {
        byte.is_ascii()
            || !matches!(byte, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D)
                && utf8_sequence_length(&line[index..]) == 1
    });
    clean.then(|| {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(line)
            .0
            .into_owned()
    })
}

/// The length of the UTF-8 multi-byte sequence `bytes` starts with, or 1 if it starts with none.
pub(super) fn utf8_sequence_length(bytes: &[u8]) -> usize {
    let wanted = match bytes[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 1,
    };
    match bytes.get(..wanted) {
        Some(sequence) if std::str::from_utf8(sequence).is_ok() => wanted,
        _ => 1,
    }
}

/// Characters in UTF-8 text (bytes that do not continue a character).
pub(super) fn count_chars(text: &[u8]) -> u64 {
    text.iter().filter(|&&byte| byte & 0xC0 != 0x80).count() as u64
}

/// What a binary file seems to be, from its first bytes.
pub(super) fn binary_kind(bytes: &[u8]) -> Option<String> {
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
/// (UTF-16 is judged after decoding: its ASCII has a NUL in every other byte.)
///
/// The bar is high (a tenth of the first 64 KB), because text can hold a few: an id pasted
/// with a terminal's escape sequence in it is data to report (escaped) at its line, not a
/// binary file. Binary files nearly always have a NUL byte or a magic number, or bytes that
/// are neither UTF-8 nor Windows-1252, and are refused for those first.
pub(super) fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let sample = &bytes[..bytes.len().min(64 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&byte| byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0C | 0))
        .count();
    controls * 10 > sample.len().max(1)
}
