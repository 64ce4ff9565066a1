//! Finding the commas and newlines of a block, sixteen bytes at a time (with SSE2 on x86-64, in
//! ordinary integers elsewhere).

/// The positions of the commas and newlines in a block, found sixteen bytes at a time: a row is
/// mostly short fields, and testing each byte for a comma costs a mispredicted branch per field.
pub(super) struct Separators<'a> {
    bytes: &'a [u8],
    /// Where the bytes of `mask` start, and where the next sixteen start.
    base: usize,
    next_step: usize,
    /// One bit per byte from `base` (bit i for byte base + i) that is a comma or a newline and
    /// not yet returned, and which of them are newlines.
    mask: u32,
    newlines: u32,
}

/// Bytes looked at in one step.
const STEP: usize = 16;

impl<'a> Separators<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Separators<'a> {
        Separators {
            bytes,
            base: 0,
            next_step: 0,
            mask: 0,
            newlines: 0,
        }
    }
}

impl Iterator for Separators<'_> {
    /// Where the separator is, and whether it is a newline (else a comma).
    type Item = (usize, bool);

    #[inline]
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.mask == 0 {
            if self.next_step >= self.bytes.len() {
                return None;
            }
            let rest = &self.bytes[self.next_step..];
            let step = match rest.first_chunk::<STEP>() {
                Some(step) => *step,
                // The last few bytes, padded with zeros, which match nothing.
                None => {
                    let mut padded = [0u8; STEP];
                    padded[..rest.len()].copy_from_slice(rest);
                    padded
                }
            };
            (self.mask, self.newlines) = separator_bits(&step);
            self.base = self.next_step;
            self.next_step += STEP;
        }
        let byte = self.mask.trailing_zeros();
        self.mask &= self.mask - 1;
        Some((self.base + byte as usize, self.newlines >> byte & 1 == 1))
    }
}

/// Bit i set for each byte i of `step` that is a comma or a newline, and for each that is a
/// newline: two SSE2 compares (which every x86-64 processor has) for all sixteen bytes.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline(always)]
fn separator_bits(step: &[u8; STEP]) -> (u32, u32) {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let [low, high] = [&step[..8], &step[8..]]
        .map(|half| i64::from_le_bytes(half.try_into().expect("eight bytes")));
    // SAFETY: these intrinsics only need SSE2, which this code is compiled for (the `cfg` above;
    // every x86-64 processor has it). They work on values, not pointers.
    let (separators, newlines) = unsafe {
        let bytes = _mm_set_epi64x(high, low);
        let commas = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b',' as i8));
        let newlines = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\n' as i8));
        (
            _mm_movemask_epi8(_mm_or_si128(commas, newlines)),
            _mm_movemask_epi8(newlines),
        )
    };
    (separators as u32, newlines as u32)
}

/// The same, eight bytes at a time in ordinary integers, for other processors.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline(always)]
fn separator_bits(step: &[u8; STEP]) -> (u32, u32) {
    portable_separator_bits(step)
}

/// [`separator_bits`] without SIMD: each half's matching bytes get their top bit set (see
/// [`bytes_equal`]), and those eight bits are gathered into one byte by a multiplication.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline(always)]
fn portable_separator_bits(step: &[u8; STEP]) -> (u32, u32) {
    // One bit per byte: the top bit of each byte, gathered into one byte.
    let gather = |top_bits: u64| ((top_bits >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    let [low, high] = [&step[..8], &step[8..]]
        .map(|half| u64::from_le_bytes(half.try_into().expect("eight bytes")));
    let newlines = [low, high].map(|word| gather(bytes_equal(word, b'\n')));
    let commas = [low, high].map(|word| gather(bytes_equal(word, b',')));
    (
        (commas[0] | newlines[0]) | (commas[1] | newlines[1]) << 8,
        newlines[0] | newlines[1] << 8,
    )
}

/// The high bit of each byte of `word` that equals `byte`, exactly (no false matches).
#[inline]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW_SEVEN: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let zero_where_equal = word ^ (u64::from(byte) * 0x0101_0101_0101_0101);
    !(((zero_where_equal & LOW_SEVEN) + LOW_SEVEN) | zero_where_equal | LOW_SEVEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_every_comma_and_newline() {
        for text in [
            "",
            "a",
            ",",
            "F0000000,svc_28,2\nF0000000,svc_23,3\n",
            "a,b\r\nc,,d\n,,,\n\n12345678,\n",
            "no separators at all in this longer text",
            "é,ü\n€,\u{7f},\u{ac}\u{2c}",
        ] {
            let expected: Vec<(usize, bool)> = text
                .bytes()
                .enumerate()
                .filter(|(_, byte)| *byte == b',' || *byte == b'\n')
                .map(|(index, byte)| (index, byte == b'\n'))
                .collect();
            assert_eq!(
                Separators::new(text.as_bytes()).collect::<Vec<_>>(),
                expected,
                "{text:?}"
            );
        }
        // Every byte value next to a separator, so that no near miss counts.
        let all: Vec<u8> = (0..=255u8).flat_map(|byte| [byte, b',', byte]).collect();
        let found = Separators::new(&all).count();
        assert_eq!(found, 256 + 2 * 2);
    }

    /// The SIMD and portable ways of finding separators agree on every byte value in every place.
    #[test]
    fn separator_bits_agree_with_the_portable_version() {
        for byte in 0..=255u8 {
            for place in 0..STEP {
                let mut step = [b'x'; STEP];
                step[place] = byte;
                step[(place + 5) % STEP] = b',';
                let bits = |wanted: &[u8]| -> u32 {
                    step.iter()
                        .enumerate()
                        .filter(|(_, byte)| wanted.contains(byte))
                        .map(|(index, _)| 1 << index)
                        .sum()
                };
                let expected = (bits(b",\n"), bits(b"\n"));
                assert_eq!(separator_bits(&step), expected, "{step:?}");
                assert_eq!(portable_separator_bits(&step), expected, "{step:?}");
            }
        }
        let all_commas = [b','; STEP];
        assert_eq!(portable_separator_bits(&all_commas), (0xFFFF, 0));
        assert_eq!(separator_bits(&[b'\n'; STEP]), (0xFFFF, 0xFFFF));
        assert_eq!(portable_separator_bits(&[b'\n'; STEP]), (0xFFFF, 0xFFFF));
    }
}
