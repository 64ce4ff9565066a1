//! Giving memory back to the system once a stage has let go of much of it.
//!
//! Why: glibc's malloc keeps memory a thread has freed in that thread's arena, for that arena's
//! next allocations. The reading threads' arenas hold a national study's rows as read (its
//! itemised lines' reading form, some tens of megabytes), let go once the families are finished,
//! and no later stage allocates from them: the ledger and the writers run on other threads, in
//! other arenas, so the freed memory stayed resident on top of theirs, adding to the job's peak.

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
