//! Interrupted and killed runs (issue 12, files): a run stopped by a signal removes its temporary
//! and leaves the file it was writing as it was, and a temporary left by a run killed outright is
//! removed by the next run writing there.

use crate::common::Scratch;
use crate::file_safety::{HEADER, small_study, temporaries};
use std::path::Path;

/// A study big enough that writing its families takes a moment, for the signal tests.
fn big_study(scratch: &Scratch) {
    let mut before = String::with_capacity(8 << 20);
    let mut after = String::with_capacity(8 << 20);
    before.push_str(HEADER);
    after.push_str(HEADER);
    for family in 0..300_000 {
        before.push_str(&format!("F{family:07},police_hour,2\n"));
        after.push_str(&format!("F{family:07},police_hour,1\n"));
    }
    scratch.study(&before, &after);
}

/// Starts `family --summary` into `out/`, waits until its temporary is there, sends `signal`,
/// and returns how the run ended; `None` if it finished before the signal could be sent.
fn interrupt(scratch: &Scratch, signal: &str) -> Option<std::process::ExitStatus> {
    let out = scratch.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("tfcalc"))
        .current_dir(scratch.path())
        .args([
            "family",
            ".",
            "--summary",
            "--quiet",
            "-o",
            "out/families.csv",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    loop {
        if !temporaries(&out).is_empty() {
            let sent = std::process::Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            return Some(child.wait().unwrap());
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            return None;
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(120));
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

fn interrupted_runs_leave_no_temporary(signal: &str, number: i32) {
    use std::os::unix::process::ExitStatusExt;
    let scratch = Scratch::new();
    big_study(&scratch);
    // Should the run finish before the signal is sent (a very fast machine), try again.
    let status = (0..3)
        .find_map(|_| interrupt(&scratch, signal))
        .expect("the run was never caught writing");
    // Ended by the signal itself, as a shell reports with exit status 128 + the signal.
    assert!(
        status.signal() == Some(number) || status.code() == Some(128 + number),
        "{status:?}"
    );
    let out = scratch.path().join("out");
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
}

#[test]
fn sigint_removes_the_temporary() {
    interrupted_runs_leave_no_temporary("-INT", 2);
}

#[test]
fn sigterm_removes_the_temporary() {
    interrupted_runs_leave_no_temporary("-TERM", 15);
}

/// A temporary as a killed run leaves it, last changed `age` ago.
fn leave_temporary(folder: &Path, name: &str, age: std::time::Duration) {
    let path = folder.join(name);
    std::fs::write(&path, "half a report").unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

/// No process has this id (Linux's largest is 4,194,304).
const DEAD_PID: u32 = 2_000_000_000;

#[test]
fn temporaries_of_killed_runs_are_removed_by_the_next_run_writing_there() {
    let scratch = small_study();
    let hour = std::time::Duration::from_secs(3600);
    let dead = format!(".tfcalc-{DEAD_PID}-abc123");
    let live = format!(".tfcalc-{}-abc123", std::process::id());
    let recent = format!(".tfcalc-{}-xyz789", DEAD_PID - 1);
    let older_naming = ".tfcalc-Qw3rTy";
    let not_ours = ".tfcalc-notes.txt";
    leave_temporary(scratch.path(), &dead, hour);
    leave_temporary(scratch.path(), &live, hour);
    leave_temporary(scratch.path(), &recent, std::time::Duration::from_secs(5));
    leave_temporary(scratch.path(), older_naming, 2 * hour);
    leave_temporary(scratch.path(), not_ours, 2 * hour);

    // `check` names the stale ones and leaves every file as it was.
    let output = scratch.tfcalc().args(["check", "."]).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(&format!("{dead}: a temporary file left by an interrupted tfcalc run: the tfcalc run that wrote it (process {DEAD_PID}) is no longer running")),
        "{stdout}"
    );
    assert!(stdout.contains(older_naming), "{stdout}");
    assert!(!stdout.contains(&live), "{stdout}");
    assert!(!stdout.contains(&recent), "{stdout}");
    assert_eq!(temporaries(scratch.path()).len(), 5);

    let output = scratch
        .tfcalc()
        .args(["roi", ".", "-o", "roi.md"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!("removed {}", dead)) || stderr.contains(&dead),
        "{stderr}"
    );
    let mut left = temporaries(scratch.path());
    left.sort();
    // The live process's, the one a run in another PID namespace may still be writing, and the
    // file that is not of tfcalc's naming stay.
    let mut expected = vec![live, recent, not_ours.to_string()];
    expected.sort();
    assert_eq!(left, expected);
}
