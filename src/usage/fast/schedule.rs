//! Sharing the chunks of the files between the reading threads: each its own stretch of every
//! file, in order, and the later half of another's when it runs out.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::Mutex;

/// One stretch of a file: the rows whose lines start in `start..end`.
pub(super) struct Chunk {
    pub(super) file: usize,
    pub(super) start: u64,
    pub(super) end: u64,
}

/// Which chunks each thread reads. Each thread starts with its own stretch of every file (the
/// first thread the first part of each, and so on) and reads it in order; a thread that runs out
/// takes the later half of what another has left.
///
/// Why stretches rather than chunks dealt out in turn: in a file sorted by family (the usual
/// extract), a thread that reads one stretch of each file meets the same families in both, in
/// increasing order, so it finds them without a table, and the threads' sums merge with little
/// lookup (see the accumulator's runs). Dealt out in turn, every thread would meet every family.
pub(super) struct Schedule {
    /// Per thread, the ranges of chunk numbers it has still to read, in order.
    queues: Mutex<Vec<VecDeque<Range<usize>>>>,
}

impl Schedule {
    pub(super) fn new(chunks: &[Chunk], threads: usize) -> Schedule {
        let mut queues = vec![VecDeque::new(); threads];
        let mut first = 0;
        while first < chunks.len() {
            let file = chunks[first].file;
            let end = first + chunks[first..].partition_point(|chunk| chunk.file == file);
            let count = end - first;
            for (thread, queue) in queues.iter_mut().enumerate() {
                let range =
                    first + count * thread / threads..first + count * (thread + 1) / threads;
                if !range.is_empty() {
                    queue.push_back(range);
                }
            }
            first = end;
        }
        Schedule {
            queues: Mutex::new(queues),
        }
    }

    /// The next chunk for `thread` to read, or `None` when every chunk is taken.
    pub(super) fn next(&self, thread: usize) -> Option<usize> {
        let mut queues = self.queues.lock().expect("no thread panics holding it");
        if queues[thread].is_empty() {
            // Take the later half of the last range of the thread with the most left.
            let (busiest, left) = queues
                .iter()
                .enumerate()
                .map(|(number, queue)| {
                    (number, queue.iter().map(|range| range.len()).sum::<usize>())
                })
                .max_by_key(|&(_, left)| left)?;
            if left == 0 {
                return None;
            }
            let range = queues[busiest]
                .back_mut()
                .expect("a thread with chunks left has a range");
            let middle = range.start + range.len() / 2;
            let taken = middle..range.end;
            range.end = middle;
            if range.start == range.end {
                queues[busiest].pop_back();
            }
            queues[thread].push_back(taken);
        }
        let queue = &mut queues[thread];
        let range = queue.front_mut()?;
        let chunk = range.start;
        range.start += 1;
        if range.start == range.end {
            queue.pop_front();
        }
        Some(chunk)
    }
}
