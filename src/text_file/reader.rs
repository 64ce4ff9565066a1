//! The streaming reader that decodes an input to UTF-8 one block at a time, by the one rule every
//! file's encoding is decided by.

use super::bytes::{binary_kind, count_chars, looks_binary, utf8_sequence_length};
use super::error::{mixed, mixed_after};
use super::{DecodeError, Encoding, MAX_LINE_BYTES, format_bytes};
use std::io::Read;

/// What the reader has decided the input is.
enum Mode {
    /// Nothing read yet.
    Start,
    /// UTF-8 so far.
    Utf8,
    Windows1252,
    Utf16(Box<encoding_rs::Decoder>),
}

/// Bytes read from the input at a time.
const RAW_BLOCK: usize = 64 * 1024;

/// A reader of UTF-8 text from an input in any of the encodings above, one block at a time. It
/// removes a byte-order mark, refuses binary input, lines over [`MAX_LINE_BYTES`] and inputs over
/// its size limit, and fails with an I/O error holding a [`DecodeError`] that names the line.
pub struct DecodingReader<R> {
    inner: R,
    encoding: Encoding,
    mode: Mode,
    /// Raw bytes read and not yet decoded (the start of a character cut by a block's end).
    raw: Vec<u8>,
    /// Decoded bytes not yet handed out.
    out: Vec<u8>,
    out_position: usize,
    at_end: bool,
    failed: Option<DecodeError>,
    /// Input bytes read, against `limit`.
    bytes_in: u64,
    limit: u64,
    /// Where the decoded text is: the current line, and its length so far (bytes, characters).
    line: u64,
    line_bytes: usize,
    line_chars: u64,
    /// Where the first multi-byte UTF-8 character was (not the byte-order mark), if any.
    first_multibyte: Option<(u64, u64)>,
    /// Where the first byte that is not UTF-8 was, in a file read as Windows-1252 for it.
    first_windows_1252: Option<(u64, u64)>,
    converted_from: Option<&'static str>,
}

impl<R: Read> DecodingReader<R> {
    /// A reader of `inner` in `encoding`, refusing more than `limit` bytes of input.
    pub fn new(inner: R, encoding: Encoding, limit: u64) -> Self {
        DecodingReader {
            inner,
            encoding,
            mode: Mode::Start,
            raw: Vec::with_capacity(RAW_BLOCK + 4),
            out: Vec::with_capacity(RAW_BLOCK * 3),
            out_position: 0,
            at_end: false,
            failed: None,
            bytes_in: 0,
            limit,
            line: 1,
            line_bytes: 0,
            line_chars: 0,
            first_multibyte: None,
            first_windows_1252: None,
            converted_from: None,
        }
    }

    /// What the input was converted from, once read: `None` if it was UTF-8.
    pub fn converted_from(&self) -> Option<&'static str> {
        self.converted_from
    }

    /// Reads more raw input and decodes it into `out`. Returns false at the end.
    fn fill(&mut self) -> Result<bool, DecodeError> {
        if self.at_end {
            return Ok(false);
        }
        let kept = self.raw.len();
        self.raw.resize(kept + RAW_BLOCK, 0);
        let read = loop {
            match self.inner.read(&mut self.raw[kept..]) {
                Ok(read) => break read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => {
                    self.raw.truncate(kept);
                    return Err(DecodeError {
                        line: Some(self.line),
                        column: None,
                        message: format!("cannot be read: {error}"),
                        hint: "check that the file exists and that you may read it".to_string(),
                    });
                }
            }
        };
        self.raw.truncate(kept + read);
        self.bytes_in += read as u64;
        if self.bytes_in > self.limit {
            return Err(DecodeError {
                line: Some(self.line),
                column: None,
                message: format!(
                    "is over the limit of {} for one input: it may be a device or a pipe that never ends",
                    format_bytes(self.limit)
                ),
                hint: "give a larger --max-input-size if the file really is this large".to_string(),
            });
        }
        let last = read == 0;
        self.out.clear();
        self.out_position = 0;
        if matches!(self.mode, Mode::Start) {
            // Decide what the input is from its first bytes; wait for at least four of them.
            if !last && self.raw.len() < 4 {
                return Ok(true);
            }
            self.start()?;
        }
        if last {
            self.at_end = true;
        }
        self.decode_raw(last)?;
        Ok(!(last && self.out.is_empty()))
    }

    /// Looks at the input's first bytes: a byte-order mark, or the magic number of a binary file.
    fn start(&mut self) -> Result<(), DecodeError> {
        if let Some(kind) = binary_kind(&self.raw) {
            return Err(DecodeError::binary(None, kind));
        }
        if looks_binary(&self.raw) {
            return Err(DecodeError::binary(
                None,
                "is binary data, not CSV or TOML text".to_string(),
            ));
        }
        let utf16 = if self.raw.starts_with(&[0xFF, 0xFE]) {
            Some(encoding_rs::UTF_16LE)
        } else if self.raw.starts_with(&[0xFE, 0xFF]) {
            Some(encoding_rs::UTF_16BE)
        } else {
            None
        };
        if let Some(utf16) = utf16 {
            self.mode = Mode::Utf16(Box::new(utf16.new_decoder_with_bom_removal()));
            self.converted_from = Some(utf16.name());
            return Ok(());
        }
        if self.raw.starts_with(b"\xEF\xBB\xBF") {
            self.raw.drain(..3);
        }
        self.mode = match self.encoding {
            Encoding::Windows1252 => Mode::Windows1252,
            Encoding::Auto | Encoding::Utf8 => Mode::Utf8,
        };
        Ok(())
    }

    /// Decodes the raw bytes held into `out`, keeping a character cut by the block's end.
    fn decode_raw(&mut self, last: bool) -> Result<(), DecodeError> {
        let raw = std::mem::take(&mut self.raw);
        let mut used = 0;
        while used < raw.len() {
            let rest = &raw[used..];
            match &mut self.mode {
                Mode::Start => unreachable!("decided before decoding"),
                Mode::Utf16(decoder) => {
                    let mut decoded = String::with_capacity(rest.len() * 3 / 2 + 4);
                    let (result, read) =
                        decoder.decode_to_string_without_replacement(rest, &mut decoded, last);
                    used += read;
                    self.push_text(decoded.as_bytes())?;
                    match result {
                        encoding_rs::DecoderResult::InputEmpty => break,
                        encoding_rs::DecoderResult::OutputFull => continue,
                        encoding_rs::DecoderResult::Malformed(_, _) => {
                            return Err(self.error_here(
                                "is UTF-16 with a lone surrogate (half of a character), which is not text".to_string(),
                                "the file is damaged: export it again from the program that made it",
                            ));
                        }
                    }
                }
                Mode::Utf8 => match std::str::from_utf8(rest) {
                    Ok(text) => {
                        self.note_multibyte(text.as_bytes());
                        self.push_text(text.as_bytes())?;
                        used = raw.len();
                    }
                    Err(error) => {
                        let valid = &rest[..error.valid_up_to()];
                        self.note_multibyte(valid);
                        self.push_text(valid)?;
                        used += valid.len();
                        if error.error_len().is_none() && !last {
                            // A character cut by the end of the block: keep it for the next.
                            break;
                        }
                        let byte = raw[used];
                        self.not_utf8(byte)?;
                        // The text so far was ASCII: the same in Windows-1252. Go on in it.
                    }
                },
                Mode::Windows1252 => {
                    // A UTF-8 sequence could be cut by the block's end: keep the last three bytes.
                    let take = if last {
                        rest.len()
                    } else {
                        rest.len().saturating_sub(3)
                    };
                    if take == 0 {
                        break;
                    }
                    let block = &rest[..take];
                    if self.encoding == Encoding::Auto {
                        // Sequences are looked for in the bytes held back too.
                        self.check_windows_1252(rest, take)?;
                    }
                    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(block);
                    self.push_text(text.as_bytes())?;
                    used += take;
                }
            }
        }
        self.raw = raw;
        self.raw.drain(..used);
        Ok(())
    }

    /// A byte that is not UTF-8, in a file read as UTF-8 so far.
    fn not_utf8(&mut self, byte: u8) -> Result<(), DecodeError> {
        let here = (self.line, self.line_chars + 1);
        match (self.encoding, self.first_multibyte) {
            (Encoding::Utf8, _) => Err(DecodeError {
                line: Some(here.0),
                column: Some(here.1),
                message: format!("is not UTF-8 text (byte 0x{byte:02X} at line {}, column {})", here.0, here.1),
                hint: "the file may be Windows-1252, as Excel's plain \"CSV\" is: read it with --encoding windows-1252, or save it as \"CSV UTF-8\"".to_string(),
            }),
            (_, Some((line, column))) => Err(mixed(here, byte, (line, column))),
            _ => {
                self.mode = Mode::Windows1252;
                self.first_windows_1252 = Some(here);
                self.converted_from = Some("Windows-1252");
                Ok(())
            }
        }
    }

    /// In a file read as Windows-1252 because of a byte that is not UTF-8: a UTF-8 character, or a
    /// byte Windows-1252 does not define, means the file is neither.
    fn check_windows_1252(&self, block: &[u8], take: usize) -> Result<(), DecodeError> {
        // Only non-ASCII bytes can be either; most blocks have none.
        for (index, &byte) in block[..take]
            .iter()
            .enumerate()
            .filter(|(_, byte)| !byte.is_ascii())
        {
            if matches!(byte, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D) {
                let (line, column) = self.place_in(block, index);
                return Err(DecodeError {
                    line: Some(line),
                    column: Some(column),
                    message: format!(
                        "is neither UTF-8 nor Windows-1252 text (byte 0x{byte:02X} at line {line}, column {column})"
                    ),
                    hint: "save the file as \"CSV UTF-8\"".to_string(),
                });
            }
            if utf8_sequence_length(&block[index..]) > 1 {
                let here = self.place_in(block, index);
                let first_bad = self.first_windows_1252.unwrap_or(here);
                return Err(mixed_after(first_bad, here));
            }
        }
        Ok(())
    }

    /// The line and column of byte `index` of `block`, a block about to be handed out.
    fn place_in(&self, block: &[u8], index: usize) -> (u64, u64) {
        let before = &block[..index];
        match memchr::memrchr(b'\n', before) {
            Some(newline) => (
                self.line + memchr::memchr_iter(b'\n', before).count() as u64,
                // Windows-1252 is one character a byte.
                (index - newline) as u64,
            ),
            None => (self.line, self.line_chars + index as u64 + 1),
        }
    }

    /// Records where the first multi-byte character is, in text known to be UTF-8.
    fn note_multibyte(&mut self, text: &[u8]) {
        if self.first_multibyte.is_some() || text.is_ascii() {
            return;
        }
        let at = text.iter().position(|byte| !byte.is_ascii()).unwrap_or(0);
        let before = &text[..at];
        let (line, column) = match memchr::memrchr(b'\n', before) {
            Some(newline) => (
                self.line + memchr::memchr_iter(b'\n', before).count() as u64,
                count_chars(&before[newline + 1..]) + 1,
            ),
            None => (self.line, self.line_chars + count_chars(before) + 1),
        };
        self.first_multibyte = Some((line, column));
    }

    /// Hands decoded text out, keeping count of lines and refusing one that is too long.
    fn push_text(&mut self, text: &[u8]) -> Result<(), DecodeError> {
        if let Some(nul) = memchr::memchr(0, text) {
            let line = self.line + memchr::memchr_iter(b'\n', &text[..nul]).count() as u64;
            return Err(DecodeError::binary(
                Some(line),
                "has a NUL byte: it is binary or corrupt, not CSV or TOML text".to_string(),
            ));
        }
        let mut start = 0;
        for newline in memchr::memchr_iter(b'\n', text) {
            self.line_bytes += newline - start;
            self.check_line_length()?;
            self.line += 1;
            self.line_bytes = 0;
            self.line_chars = 0;
            start = newline + 1;
        }
        let tail = &text[start..];
        self.line_bytes += tail.len();
        self.line_chars += count_chars(tail);
        self.check_line_length()?;
        self.out.extend_from_slice(text);
        Ok(())
    }

    fn check_line_length(&self) -> Result<(), DecodeError> {
        if self.line_bytes > MAX_LINE_BYTES {
            return Err(DecodeError {
                line: Some(self.line),
                column: None,
                message: format!(
                    "has a line over the limit of 1 MB (line {} is longer than {} bytes)",
                    self.line, MAX_LINE_BYTES
                ),
                // The same reader reads CSV and TOML inputs, so the hint fits both: a long line
                // is most often the wrong file, and in a generated TOML table a list on one line.
                hint: "each line of an input is short (a CSV row, a TOML entry): check that this is the right file; \
                       a long list in a TOML file (a composite's components) can be broken over several lines"
                    .to_string(),
            });
        }
        Ok(())
    }

    fn error_here(&self, message: String, hint: &str) -> DecodeError {
        DecodeError {
            line: Some(self.line),
            column: Some(self.line_chars + 1),
            message,
            hint: hint.to_string(),
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if let Some(error) = &self.failed {
            return Err(std::io::Error::other(error.clone()));
        }
        while self.out_position == self.out.len() {
            match self.fill() {
                Ok(true) => continue,
                Ok(false) => return Ok(0),
                Err(error) => {
                    self.failed = Some(error.clone());
                    return Err(std::io::Error::other(error));
                }
            }
        }
        let available = &self.out[self.out_position..];
        let count = available.len().min(buffer.len());
        buffer[..count].copy_from_slice(&available[..count]);
        self.out_position += count;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text_file::decode;

    fn text(
        bytes: &[u8],
        encoding: Encoding,
    ) -> Result<(String, Option<&'static str>), DecodeError> {
        decode(bytes, encoding).map(|decoded| {
            (
                String::from_utf8(decoded.text).unwrap(),
                decoded.converted_from,
            )
        })
    }

    /// Reads through a reader that hands out one byte at a time, so that every character and
    /// every check is cut by a block's end somewhere.
    fn text_in_drips(bytes: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
        struct Drip<'a>(&'a [u8]);
        impl Read for Drip<'_> {
            fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
                let Some((&first, rest)) = self.0.split_first() else {
                    return Ok(0);
                };
                buffer[0] = first;
                self.0 = rest;
                Ok(1)
            }
        }
        let mut reader = DecodingReader::new(Drip(bytes), encoding, u64::MAX);
        let mut out = Vec::new();
        reader
            .read_to_end(&mut out)
            .map_err(|error| DecodeError::from_io(&error).unwrap().clone())?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn utf8_is_read_as_is_without_its_byte_order_mark() {
        assert_eq!(
            text("family_id\nZoë,£".as_bytes(), Encoding::Auto).unwrap(),
            ("family_id\nZoë,£".to_string(), None)
        );
        assert_eq!(
            text("\u{feff}a,b\n".as_bytes(), Encoding::Auto).unwrap().0,
            "a,b\n"
        );
    }

    #[test]
    fn windows_1252_pound_signs_are_decoded_and_reported() {
        assert_eq!(
            text(b"quantity\n\xA31,930\n", Encoding::Auto).unwrap(),
            ("quantity\n£1,930\n".to_string(), Some("Windows-1252"))
        );
        let error = text(b"quantity\n\xA31,930\n", Encoding::Utf8).unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(1)));
        assert!(
            error.message.contains("is not UTF-8 text (byte 0xA3"),
            "{error:?}"
        );
    }

    #[test]
    fn a_byte_order_mark_before_windows_1252_is_removed() {
        assert_eq!(
            text(b"\xEF\xBB\xBFCaf\xE9 \xA31", Encoding::Auto).unwrap(),
            ("Café £1".to_string(), Some("Windows-1252"))
        );
    }

    #[test]
    fn utf8_but_for_one_byte_is_an_error_at_that_byte() {
        // Zoë in UTF-8 on line 2, a stray 0xFF on line 3.
        let error = text(b"id,note\nZo\xC3\xAB,x\nA,ab\xFFc\n", Encoding::Auto).unwrap_err();
        assert_eq!((error.line, error.column), (Some(3), Some(5)), "{error:?}");
        assert!(
            error.message.contains("byte 0xFF at line 3, column 5"),
            "{error:?}"
        );
        assert!(
            error.message.contains("the first at line 2, column 3"),
            "{error:?}"
        );
        // The other way round: the bad byte first, the UTF-8 character after it.
        let error = text(b"id,note\nA,\xA3\nZo\xC3\xAB,x\n", Encoding::Auto).unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(3)), "{error:?}");
        assert!(
            error.message.contains("the first at line 3, column 3"),
            "{error:?}"
        );
        // A byte Windows-1252 leaves undefined.
        let error = text(b"a\nb\x81\n", Encoding::Auto).unwrap_err();
        assert!(
            error.message.contains("neither UTF-8 nor Windows-1252"),
            "{error:?}"
        );
        // Given --encoding windows-1252, the file is read as that, whatever it holds.
        assert_eq!(
            text(b"Zo\xC3\xAB\xFF", Encoding::Windows1252).unwrap().0,
            "ZoÃ«ÿ"
        );
    }

    #[test]
    fn the_rules_hold_whatever_the_blocks() {
        for (bytes, encoding) in [
            (&b"id\nZo\xC3\xAB\n\xE2\x82\xAC5\n"[..], Encoding::Auto),
            (b"\xEF\xBB\xBFCaf\xE9 \xA31\n", Encoding::Auto),
            (b"id,note\nZo\xC3\xAB,x\nA,ab\xFFc\n", Encoding::Auto),
            (b"id,note\nA,\xA3\nZo\xC3\xAB,x\n", Encoding::Auto),
            (b"\xFF\xFEa\x00\n\x00", Encoding::Auto),
        ] {
            assert_eq!(
                text_in_drips(bytes, encoding),
                text(bytes, encoding).map(|(text, _)| text),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn utf16_from_unicode_text_is_decoded_and_a_lone_surrogate_refused() {
        let utf16 = |text: &str| -> Vec<u8> {
            [0xFF, 0xFE]
                .into_iter()
                .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                .collect()
        };
        assert_eq!(
            text(&utf16("a\t£\n"), Encoding::Auto).unwrap(),
            ("a\t£\n".to_string(), Some("UTF-16LE"))
        );
        let mut lone = utf16("a\nb");
        lone.extend(0xD800u16.to_le_bytes());
        lone.extend(utf16("c").split_off(2));
        let error = text(&lone, Encoding::Auto).unwrap_err();
        assert!(error.message.contains("lone surrogate"), "{error:?}");
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn binary_files_are_named_not_decoded() {
        assert!(
            text(b"PK\x03\x04rest", Encoding::Auto)
                .unwrap_err()
                .message
                .contains("Excel workbook (.xlsx)")
        );
        let nul = text(b"a,b\nc\x00d\n", Encoding::Auto).unwrap_err();
        assert_eq!(nul.line, Some(2));
        assert!(nul.message.contains("has a NUL byte"));
        let noise: Vec<u8> = (0..200u8)
            .map(|byte| byte.wrapping_mul(37) % 32)
            .chain([0xFF])
            .filter(|&b| b != 0)
            .collect();
        assert!(
            text(&noise, Encoding::Auto)
                .unwrap_err()
                .message
                .contains("binary")
        );
        // A small file with a terminal escape sequence in an id is text, to be read and shown
        // escaped, not refused as binary.
        let escaped = b"family_id,service,quantity\nE,\x1b]0;pwned\x07,1\nE,\x1b[2Ja,2\n";
        assert!(text(escaped, Encoding::Auto).is_ok());
    }

    #[test]
    fn long_lines_and_endless_inputs_are_stopped() {
        let long = vec![b'a'; MAX_LINE_BYTES + 1];
        assert!(
            text(&long, Encoding::Auto)
                .unwrap_err()
                .message
                .contains("line over the limit of 1 MB")
        );
        let mut endless = DecodingReader::new(std::io::repeat(b'\n'), Encoding::Auto, 1 << 20);
        let error = std::io::copy(&mut endless, &mut std::io::sink()).unwrap_err();
        assert!(
            DecodeError::from_io(&error)
                .unwrap()
                .message
                .contains("over the limit of 1 MiB for one input"),
            "{error}"
        );
    }
}
