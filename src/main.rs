use std::io::Write;

use clap::Parser;

fn init_logging() {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format(|buf, record| {
            let request_id = razem::request_id::current();
            let timestamp = buf.timestamp_millis();
            match request_id {
                Some(id) => writeln!(
                    buf,
                    "{timestamp} {:<5} {} request_id={id} {}",
                    record.level(),
                    record.target(),
                    record.args()
                ),
                None => writeln!(
                    buf,
                    "{timestamp} {:<5} {} {}",
                    record.level(),
                    record.target(),
                    record.args()
                ),
            }
        })
        .init();
}

fn main() {
    let _ = dotenvy::dotenv();
    init_logging();
    let cli = razem::cli::Cli::parse();
    if let Err(message) = razem::cli::run(cli) {
        eprintln!("razem: {message}");
        std::process::exit(1);
    }
}
