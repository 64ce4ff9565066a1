//! The temporaries this process has open, and the handler that removes them when SIGINT, SIGTERM
//! or SIGHUP ends the run.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

/// The temporaries this process has open, which a signal removes before the process ends.
static LIVE_TEMPORARIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub(super) fn live_temporaries() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while it was held leaves the list as good as it was.
    LIVE_TEMPORARIES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Installs, once, a thread that removes the live temporaries on SIGINT, SIGTERM or SIGHUP and
/// then ends the process by the same signal (so that a shell sees exit status 130 for Ctrl-C, 143
/// for SIGTERM, and a script's loop stops). Installed with the first temporary: until then the
/// signals' default, ending the process, leaves nothing behind.
pub(super) fn install_signal_handler() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    #[cfg(unix)]
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return; // Without the handler, an interrupted run may leave a temporary to sweep.
        };
        let spawned = std::thread::Builder::new()
            .name("tfcalc-signals".to_string())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    // Held until the process ends: no temporary is created or renamed after
                    // these are removed.
                    let live = live_temporaries();
                    for path in live.iter() {
                        let _ = std::fs::remove_file(path);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
        let _ = spawned;
    });
    #[cfg(not(unix))]
    INSTALLED.call_once(|| {});
}
