//! Keeping the memory the allocator holds close to what the job uses (glibc's malloc, on Linux;
//! elsewhere these do nothing).
//!
//! Why: glibc's malloc keeps memory a thread has freed in that thread's arena, for that arena's
//! next allocations, and by default it raises the size it hands to the system directly (by
//! `mmap`) each time such a block is freed. A national study's stages each make and let go of
//! lists of many megabytes on several threads: kept in arenas, the freed memory stayed resident on
//! top of the next stage's, and how much depended on which thread freed what, so the peak of a
//! five-million-family run moved between 555 and 610 MB from one run to the next.

/// Has every allocation of a megabyte or more come from the system and go back to it when freed,
/// whatever was freed before: the five-million-family shuffled report then peaked at 546 MB in
/// every run (555 to 610 MB before), the 400,000-family one 6 MB lower, in the same time. Call
/// once, before the job allocates much.
pub fn hand_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// glibc's `M_MMAP_THRESHOLD`: setting it also stops the threshold moving.
        const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
        unsafe extern "C" {
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // SAFETY: `mallopt` takes no pointers; M_MMAP_THRESHOLD with a value within its range
        // (at most 32 MB on 64-bit systems) only changes where later blocks come from.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, 1 << 20);
        }
    }
}

/// Gives the memory that every arena holds free back to the system (glibc's `malloc_trim`, which
/// also releases whole free pages in the middle of an arena); on other systems it does nothing.
pub fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: `malloc_trim` takes no pointers and only returns free memory to the system;
        // it is safe to call at any time, from any thread, with any padding.
        unsafe {
            malloc_trim(0);
        }
    }
}
