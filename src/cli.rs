//! The `razem` command line: serve (default), migrate, seed, openapi, users, import-teryt,
//! purge.

use std::io::Read;

use actix_web::{HttpServer, web};
use clap::{Parser, Subcommand};

use crate::config::{Config, Environment};
use crate::db::{Db, run_migrations};
use crate::domain::{Email, Role};
use crate::http::AppState;
use crate::server::build_app;

#[derive(Debug, Parser)]
#[command(
    name = "razem",
    version,
    about = "Razem: the API of cooperating Polish local governments"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve {
        /// Address to listen on [env: RAZEM_BIND] [default: 127.0.0.1:8080].
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load data sets.
    #[command(group(clap::ArgGroup::new("set").required(true).multiple(true).args(["demo", "synthetic"])))]
    Seed {
        /// The demo data set drawn from the seed documents (idempotent).
        #[arg(long)]
        demo: bool,
        /// N generated positions over ~200 generated associations, for benchmarks
        /// (refused when synthetic data is already loaded).
        #[arg(long, value_name = "N")]
        synthetic: Option<usize>,
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = 1, requires = "synthetic")]
        seed: u64,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Render the read model and the search index again from the rows (after a migration
    /// or a restore).
    #[command(name = "rebuild-read-model")]
    RebuildReadModel,
    /// Load the GUS TERC register (CSV) as local governments, idempotently.
    #[command(name = "import-teryt")]
    ImportTeryt {
        /// The TERC file, e.g. TERC_Urzedowy_2026-01-01.csv (UTF-8 or Windows-1250).
        file: std::path::PathBuf,
        /// Print a progress line every this many local governments.
        #[arg(long, default_value_t = 500)]
        progress_every: usize,
    },
    /// Manage people.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Erase the personal data of registrations for events that ended more than
    /// RAZEM_REGISTRATION_RETENTION_DAYS ago (`razem serve` also does it every hour).
    Purge,
    /// Manage partner API tokens.
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Issue an API token for an organization; prints the secret once.
    Create {
        /// The organization, by id or slug.
        #[arg(long)]
        organization: String,
        #[arg(long)]
        name: String,
        /// A scope, e.g. positions:read (repeat for several).
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// Expiry, RFC 3339 (e.g. 2027-06-30T00:00:00Z).
        #[arg(long)]
        expires_at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Create a person, e.g. the first administrator.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["admin", "editor", "viewer"])]
        role: String,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Ids of the associations an editor writes for.
        #[arg(long = "association", value_name = "ID")]
        associations: Vec<i64>,
    },
}

/// Opens the database and applies migrations.
fn open_database(config: &Config) -> Result<Db, String> {
    // Whatever the command writes renders consultations with the server's settings.
    crate::consultations::read::configure(config.consultation_min_days);
    let db = Db::new(&config.pool)?;
    let mut conn = db.connection()?;
    let applied = run_migrations(&mut conn)?;
    if applied > 0 {
        log::info!(
            "applied {applied} migration(s) to {}",
            config.pool.url.redacted()
        );
    }
    Ok(db)
}

pub fn run(cli: Cli) -> Result<(), String> {
    // Every write of every command keeps the read model current (see `read_model`).
    crate::read_model::install();
    crate::registrations::install();
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Openapi => {
            print!("{}", crate::server::document_json());
            Ok(())
        }
        Command::RebuildReadModel => {
            let config = Config::from_env()?;
            let db = open_database(&config)?;
            let stored =
                crate::read_model::rebuild(&mut *db.connection()?).map_err(|e| e.to_string())?;
            println!("rendered the read model: {stored} documents");
            Ok(())
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = Db::new(&config.pool)?;
            let applied = run_migrations(&mut *db.connection()?)?;
            println!(
                "applied {applied} migration(s) to {}",
                config.pool.url.redacted()
            );
            Ok(())
        }
        Command::Seed {
            demo,
            synthetic,
            seed,
        } => {
            let config = Config::from_env()?;
            let db = open_database(&config)?;
            if demo {
                let added =
                    crate::seed::load_demo(&mut *db.connection()?).map_err(|e| e.to_string())?;
                if added == 0 {
                    println!("the demo data set is already loaded; nothing changed");
                } else {
                    println!("loaded the demo data set ({added} records added)");
                }
            }
            if let Some(count) = synthetic {
                let started = std::time::Instant::now();
                let report = crate::seed::load_synthetic(
                    &mut *db.connection()?,
                    count,
                    seed,
                    &mut |done, total| {
                        if done.is_multiple_of(10_000) || done == total {
                            eprintln!("seed --synthetic: {done} of {total} positions written");
                        }
                    },
                )
                .map_err(|e| e.to_string())?;
                println!(
                    "loaded synthetic data (seed {seed}) in {:.1} s: {report}",
                    started.elapsed().as_secs_f64()
                );
            }
            Ok(())
        }
        Command::Users {
            command:
                UsersCommand::Create {
                    email,
                    name,
                    role,
                    password_stdin: _,
                    associations,
                },
        } => {
            let config = Config::from_env()?;
            let email: Email = email
                .parse()
                .map_err(|e: String| format!("--email: {}", strip_code(&e)))?;
            let role: Role = role.parse()?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            let length = password.chars().count();
            if !(crate::auth::password::MIN_PASSWORD_LENGTH
                ..=crate::auth::password::MAX_PASSWORD_LENGTH)
                .contains(&length)
            {
                return Err(format!(
                    "the password must be {} to {} characters long",
                    crate::auth::password::MIN_PASSWORD_LENGTH,
                    crate::auth::password::MAX_PASSWORD_LENGTH
                ));
            }
            let db = open_database(&config)?;
            let password_hash = crate::auth::password::hash(&password)?;
            let data = crate::users::service::NewUserData {
                email: email.into_inner(),
                name,
                role,
                password_hash,
                associations,
            };
            let mut conn = db.connection()?;
            let user = diesel::Connection::transaction(&mut *conn, |conn| {
                crate::users::service::create(conn, &Default::default(), data)
            })
            .map_err(|e| e.to_string())?;
            println!(
                "created {} {} (id {})",
                user.role, user.user.email, user.user.id
            );
            Ok(())
        }
        Command::Tokens {
            command:
                TokensCommand::Create {
                    organization,
                    name,
                    scopes,
                    expires_at,
                },
        } => {
            let config = Config::from_env()?;
            let scopes = scopes
                .iter()
                .map(|s| {
                    s.parse::<crate::domain::Scope>()
                        .map_err(|e| format!("--scope: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let expires_at = expires_at
                .map(|raw| {
                    chrono::DateTime::parse_from_rfc3339(&raw)
                        .map(|t| t.naive_utc())
                        .map_err(|_| format!("--expires-at: '{raw}' is not an RFC 3339 timestamp"))
                })
                .transpose()?;
            if expires_at.is_some_and(|at| at <= crate::time::now()) {
                return Err("--expires-at must lie in the future".to_owned());
            }
            let db = open_database(&config)?;
            let mut conn = db.connection()?;
            let (row, secret) = diesel::Connection::transaction(&mut *conn, |conn| {
                let organization =
                    crate::organizations::repo::find_by_id_or_slug(conn, &organization)?
                        .ok_or_else(|| {
                            crate::error::ApiError::not_found(format!(
                                "organization '{organization}' does not exist"
                            ))
                        })?;
                crate::tokens::service::issue(
                    conn,
                    &Default::default(),
                    crate::tokens::service::NewTokenData {
                        name,
                        organization_id: organization.id,
                        scopes,
                        expires_at,
                    },
                )
            })
            .map_err(|e| e.to_string())?;
            eprintln!(
                "issued API token {} for organization {} (scopes: {}); the secret is shown only now:",
                row.id, row.organization_id, row.scopes
            );
            println!("{secret}");
            Ok(())
        }
        Command::ImportTeryt {
            file,
            progress_every,
        } => {
            let config = Config::from_env()?;
            let bytes =
                std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let db = open_database(&config)?;
            let mut conn = db.connection()?;
            let report =
                crate::teryt::import(&mut conn, &bytes, progress_every, &mut |done, total| {
                    eprintln!("import-teryt: {done} of {total} local governments written");
                })
                .map_err(|e| format!("{}: {e}; nothing was imported", file.display()))?;
            let verdict = if report.added + report.updated == 0 {
                "; nothing changed"
            } else {
                ""
            };
            println!(
                "imported {} ({}): {report}{verdict}",
                file.display(),
                report.encoding
            );
            Ok(())
        }
        Command::Purge => {
            let config = Config::from_env()?;
            let db = open_database(&config)?;
            let days = config.registration_retention_days;
            let erased = crate::registrations::service::purge_expired(
                &mut *db.connection()?,
                crate::time::today(),
                days,
            )
            .map_err(|e| e.to_string())?;
            println!(
                "erased the personal data of {erased} registration(s) for events that ended more than {days} day(s) ago"
            );
            Ok(())
        }
        Command::Serve { bind } => serve(bind),
    }
}

fn strip_code(message: &str) -> &str {
    message.split_once("] ").map(|(_, m)| m).unwrap_or(message)
}

fn serve(bind: Option<String>) -> Result<(), String> {
    memory::limit_arenas();
    let config = Config::from_env()?;
    let bind = bind.unwrap_or_else(|| config.bind.clone());
    if config.jwt_secret_generated {
        log::warn!(
            "RAZEM_JWT_SECRET is not set: using a random secret for this run (development mode); \
             access tokens will not survive a restart"
        );
    }
    let db = open_database(&config)?;
    if config.environment == Environment::Development {
        let mut conn = db.connection()?;
        if crate::seed::is_empty(&mut conn).map_err(|e| e.to_string())? {
            let added = crate::seed::load_demo(&mut conn).map_err(|e| e.to_string())?;
            log::info!("empty database: loaded the demo data set ({added} records)");
        }
    }
    let state = web::Data::new(AppState::new(db, config.clone()));
    log::info!(
        "serving on http://{bind} ({}, {:?}); Swagger UI at http://{bind}/swagger-ui/",
        config.pool.url.redacted(),
        config.environment
    );
    let workers = config.workers;
    // Queries wait for a pooled connection before they take a blocking thread (see
    // `Db::run`), so no worker ever needs more blocking threads than connections.
    let blocking_threads = config.pool.max_size.max(1) as usize;
    actix_web::rt::System::new().block_on(async move {
        // Sends the webhook outbox while the server runs (every instance does).
        actix_web::rt::spawn(crate::webhooks::worker::run(state.clone()));
        // Erases past registrations' personal data every hour.
        actix_web::rt::spawn(crate::registrations::service::purge_periodically(
            state.clone(),
        ));
        let built = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        HttpServer::new(move || {
            let app = build_app(state.clone());
            // Registering the routes collected the whole OpenAPI document once more
            // (utoipa-actix-web does, per worker) and dropped it: give the pages back.
            memory::release_free();
            // The last worker to start ends the start-up: its code is not needed again.
            if built.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1 == workers {
                memory::release_start_up_code();
                memory::release_when_idle();
            }
            app
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads)
        // A client must send its request head within this (its body: see extract::Json)
        // and, after an early answer, go away within a second: slow clients cannot
        // pile up connections.
        .client_request_timeout(config.client_timeout)
        .client_disconnect_timeout(std::time::Duration::from_secs(1))
        // SIGTERM stops accepting and lets requests in flight finish for this long
        // (SIGINT and SIGQUIT stop at once).
        .shutdown_timeout(config.shutdown_timeout.as_secs())
        .bind(&bind)
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?
        .run()
        .await
        .map_err(|e| format!("server error: {e}"))
    })
}

/// The allocator's share of the server's memory (glibc; elsewhere these do nothing).
mod memory {
    /// Few malloc arenas. glibc gives each thread that allocates its own arena (up to
    /// eight per core), and each keeps what its requests freed: with the async workers
    /// and the blocking threads that is a dozen arenas of a few megabytes each. Two
    /// arenas keep the peak low at no measurable cost on this workload (bench/run).
    pub fn limit_arenas() {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: mallopt only changes an allocator setting; called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }

    /// Returns free heap pages to the system (after start-up garbage).
    pub fn release_free() {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        // SAFETY: malloc_trim only releases memory the allocator holds free.
        unsafe {
            libc::malloc_trim(0);
        }
    }

    /// How often the server looks whether it is idle, and how much CPU time per look
    /// still counts as idle (the webhook worker's poll, a health probe).
    const IDLE_TICK: std::time::Duration = std::time::Duration::from_millis(250);
    const IDLE_CPU: std::time::Duration = std::time::Duration::from_millis(5);
    /// CPU time since the last release that makes another one worth it.
    const BUSY_CPU: std::time::Duration = std::time::Duration::from_millis(20);

    /// The process's CPU time so far (user and system), if the system says.
    fn cpu_time() -> Option<std::time::Duration> {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: rusage is plain integers, for which all zeroes is a valid value.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: getrusage only writes the struct it is given.
            if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
                return None;
            }
            let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
            Some(std::time::Duration::from_micros(
                micros(usage.ru_utime) + micros(usage.ru_stime),
            ))
        }
        #[cfg(not(target_os = "linux"))]
        None
    }

    /// Gives code and free heap pages back whenever the server goes idle after work:
    /// start-up does not end when the last worker is built (the first requests, the pool's
    /// connections and the background tasks' first runs fault in code nothing runs again,
    /// some 10 MB of the binary's text within the first second; bench/run), and a burst of
    /// requests leaves its code and freed heap resident. A small thread looks every
    /// [`IDLE_TICK`]; after at least [`BUSY_CPU`] of work, the first look that finds the
    /// process idle releases both again. A busy server is never touched; the price is
    /// some minor faults on the first request after an idle spell.
    pub fn release_when_idle() {
        let Some(mut last) = cpu_time() else {
            return;
        };
        // The first idle look always releases: what start-up's end touched.
        let mut released: Option<std::time::Duration> = None;
        let watcher = std::thread::Builder::new()
            .name("razem-idle".to_owned())
            .stack_size(64 * 1024)
            .spawn(move || {
                loop {
                    std::thread::sleep(IDLE_TICK);
                    let Some(now) = cpu_time() else {
                        return;
                    };
                    let idle = now.saturating_sub(last) < IDLE_CPU;
                    last = now;
                    if idle && released.is_none_or(|at| now.saturating_sub(at) >= BUSY_CPU) {
                        release_start_up_code();
                        release_free();
                        last = cpu_time().unwrap_or(now);
                        released = Some(last);
                    }
                }
            });
        if let Err(error) = watcher {
            log::warn!("cannot start the idle memory release: {error}");
        }
    }

    /// Unmaps the executable's code pages, so that only the code requests run comes back.
    /// Start-up runs code nothing runs again (the migrations, the OpenAPI document built
    /// once per worker, the configuration), and the kernel maps code around every page
    /// it faults in: after start-up some 17 MB of the binary's text were resident (two
    /// thirds of the idle RSS; bench/run), of which requests use a few. The pages stay
    /// in the page cache, so those the server needs again are mapped back on first use
    /// (a minor fault, no disk read).
    pub fn release_start_up_code() {
        #[cfg(target_os = "linux")]
        {
            let Ok(exe) = std::fs::read_link("/proc/self/exe") else {
                return;
            };
            let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
                return;
            };
            for line in maps.lines() {
                let mut fields = line.split_whitespace();
                let (Some(range), Some(perms)) = (fields.next(), fields.next()) else {
                    continue;
                };
                // Only the executable's own text: read-only and never written, so the
                // file holds exactly what is mapped (writable or relocated pages, whose
                // copies differ from the file, are not touched).
                let path = fields.nth(3);
                if perms != "r-xp" || path != exe.to_str() {
                    continue;
                }
                let Some((start, end)) = range.split_once('-') else {
                    continue;
                };
                let (Ok(start), Ok(end)) = (
                    usize::from_str_radix(start, 16),
                    usize::from_str_radix(end, 16),
                ) else {
                    continue;
                };
                // SAFETY: MADV_DONTNEED on a private, read-only, unmodified file mapping
                // only drops page-table entries: the next access maps the same bytes
                // again from the file, so no content changes.
                unsafe {
                    libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
                }
            }
        }
    }
}
