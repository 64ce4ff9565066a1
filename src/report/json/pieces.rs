//! A long JSON array serialised in parallel: its values are cut into pieces of a few, each piece
//! serialised on its own thread into a buffer, as the values would be where they stand in the
//! document, and the buffers written into the document in order. A national study's families
//! are gigabytes of JSON, which one thread takes most of a run to write.

use super::pretty;
use crate::report::waves::WaveError;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

/// The values of `items` serialised as one array in pieces of `per_piece`, for a document written
/// with [`Pretty`](pretty::Pretty) where the array is `depth` arrays and objects deep (counting itself). `write`
/// writes one value as it stands there, as [`Pretty::at`](pretty::Pretty::at) `depth` would.
pub(super) struct Pieces<'a, T, F> {
    pub(super) items: &'a [T],
    pub(super) write: F,
    pub(super) depth: usize,
    pub(super) per_piece: usize,
}

/// A piece of JSON serialised apart, written as it is by [`Pretty`](pretty::Pretty).
struct Raw<'a>(&'a [u8]);

impl Serialize for Raw<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl<T, F> Serialize for Pieces<'_, T, F>
where
    T: Sync,
    F: Fn(&T, &mut Vec<u8>) -> serde_json::Result<()> + Sync,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Each piece is one value of the array as the serialiser sees it: it writes the comma,
        // line break and indent before each, and the brackets, as it would for the values
        // themselves, and each piece holds the breaks between its own values.
        let per_piece = self.per_piece.max(1);
        let pieces = self.items.len().div_ceil(per_piece);
        let mut array = serializer.serialize_seq(Some(pieces))?;
        // Made on every core, a wave at a time, and written out in order, as the CSV's rows are.
        crate::report::waves::write_in_waves(
            pieces,
            |piece, buffer| {
                let start = piece * per_piece;
                let end = (start + per_piece).min(self.items.len());
                self.piece(&self.items[start..end], buffer)
            },
            |buffer| array.serialize_element(&Raw(buffer)),
        )
        .map_err(|error| match error {
            WaveError::Making(error) => S::Error::custom(error),
            WaveError::Writing(error) => error,
        })?;
        array.end()
    }
}

impl<T, F> Pieces<'_, T, F>
where
    F: Fn(&T, &mut Vec<u8>) -> serde_json::Result<()>,
{
    /// Serialises `items` into `buffer` as they stand in the array, with the breaks between them.
    fn piece(&self, items: &[T], buffer: &mut Vec<u8>) -> serde_json::Result<()> {
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                pretty::line_break(buffer, self.depth, true).map_err(serde_json::Error::io)?;
            }
            (self.write)(item, buffer)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::json::pretty::Pretty;

    #[derive(Serialize)]
    struct Value {
        name: String,
        figures: Vec<u32>,
        inner: Option<Box<Value>>,
        empty: Vec<String>,
    }

    fn value(number: usize) -> Value {
        Value {
            name: format!("value \"{number}\"\n"),
            figures: (0..number as u32 % 4).collect(),
            inner: number
                .is_multiple_of(3)
                .then(|| Box::new(value(number + 1))),
            empty: Vec::new(),
        }
    }

    /// A document with the array as deep as a report's families, and values after it.
    #[derive(Serialize)]
    struct Document<A> {
        studies: Vec<Study<A>>,
    }

    #[derive(Serialize)]
    struct Study<A> {
        name: &'static str,
        values: A,
        after: Vec<u32>,
    }

    fn document<A>(values: A) -> Document<A> {
        Document {
            studies: vec![Study {
                name: "study",
                values,
                after: vec![1, 2],
            }],
        }
    }

    #[test]
    fn pieces_of_any_size_are_the_bytes_of_the_whole_array() {
        for count in [0, 1, 2, 5, 12] {
            let numbers: Vec<usize> = (0..count).collect();
            let expected = serde_json::to_string_pretty(&document(
                numbers.iter().map(|&n| value(n)).collect::<Vec<_>>(),
            ))
            .unwrap();
            for per_piece in [1, 2, 3, 5, 100] {
                let mut written = Vec::new();
                document(Pieces {
                    items: &numbers,
                    write: |&number: &usize, out: &mut Vec<u8>| {
                        value(number).serialize(&mut serde_json::Serializer::with_formatter(
                            out,
                            Pretty::at(4),
                        ))
                    },
                    depth: 4,
                    per_piece,
                })
                .serialize(&mut serde_json::Serializer::with_formatter(
                    &mut written,
                    Pretty::new(),
                ))
                .unwrap();
                assert_eq!(
                    String::from_utf8(written).unwrap(),
                    expected,
                    "{count} values in pieces of {per_piece}"
                );
            }
        }
    }
}
