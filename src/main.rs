use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must never show a user a backtrace, whatever RUST_BACKTRACE says.
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "internal error: {info}\nThis is a bug in tfcalc; please report it with the command you ran."
        );
    }));
    tfcalc::memory::hand_large_blocks_to_the_system();
    let cli = tfcalc::cli::Cli::parse();
    match tfcalc::run(cli) {
        Ok(code) => code,
        Err(error) if tfcalc::is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // Errors quote names and paths from the input; their own line breaks are kept.
            let message = format!("{error:#}");
            eprintln!("error: {}", tfcalc::display_text::lines(&message));
            ExitCode::from(2)
        }
    }
}
