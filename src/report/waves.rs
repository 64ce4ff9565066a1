//! Output made on every core and written in order: a national study's families are most of its
//! CSV and JSON, which one thread takes most of a run to write.
//!
//! The pieces are made in waves of two a thread, each into a buffer kept from wave to wave, and
//! the buffers written out in order after each wave: memory stays a few megabytes however many
//! pieces, and the bytes are those of making every piece in turn on one thread.

use rayon::prelude::*;

/// Where writing in waves failed: making a piece, or writing one out.
pub(crate) enum WaveError<M, W> {
    Making(M),
    Writing(W),
}

/// Makes pieces `0..pieces` with `make(piece, buffer)` (into an empty buffer) on rayon's threads,
/// and gives each to `write` in order. Stops at the first error.
pub(crate) fn write_in_waves<M: Send, W>(
    pieces: usize,
    make: impl Fn(usize, &mut Vec<u8>) -> Result<(), M> + Sync,
    mut write: impl FnMut(&[u8]) -> Result<(), W>,
) -> Result<(), WaveError<M, W>> {
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); rayon::current_num_threads() * 2];
    let mut first = 0;
    while first < pieces {
        let wave = (pieces - first).min(buffers.len());
        buffers[..wave]
            .par_iter_mut()
            .enumerate()
            .try_for_each(|(offset, buffer)| {
                buffer.clear();
                make(first + offset, buffer)
            })
            .map_err(WaveError::Making)?;
        for buffer in &buffers[..wave] {
            write(buffer).map_err(WaveError::Writing)?;
        }
        first += wave;
    }
    Ok(())
}
