//! Settings from the environment (`RAZEM_*`, `DATABASE_URL`); `.env` in development.
//! A bad setting is reported as one clear line and stops the start.

use std::time::Duration;

use crate::db::{DatabaseUrl, PoolSettings};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// One HMAC key for access tokens; the first configured key signs.
#[derive(Clone)]
pub struct JwtKey {
    pub kid: String,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JwtKey {{ kid: {:?}, secret: *** }}", self.kid)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub environment: Environment,
    pub pool: PoolSettings,
    /// Signing key first, then older keys still accepted for verification.
    pub jwt_keys: Vec<JwtKey>,
    /// True when no secret was configured and a random one was generated.
    pub jwt_secret_generated: bool,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub cors_origins: Vec<String>,
    pub request_timeout: Duration,
    /// Failed sign-ins per account and per client address in a minute before 429.
    pub login_max_failures: u32,
    /// Requests per API token in a minute before 429.
    pub token_rate_limit: u32,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Shortest consultation window per subject kind without a `shortened_reason`.
    pub consultation_min_days: ConsultationMinDays,
    /// HTTP worker threads (each an event loop; queries run on blocking threads).
    pub workers: usize,
    /// How long a client may take to send a request's head, and then its body.
    pub client_timeout: Duration,
    /// How long requests in flight may still finish after SIGTERM.
    pub shutdown_timeout: Duration,
    /// How long an `Idempotency-Key` and its stored response are kept.
    pub idempotency_ttl: Duration,
    /// May webhook URLs be plain http and reach loopback and private addresses?
    /// (`RAZEM_WEBHOOK_ALLOW_PRIVATE`; on in development, off in production.)
    pub webhook_allow_private: bool,
    /// Public event registrations per client address in a minute before 429
    /// (`RAZEM_REGISTRATION_RATE_LIMIT`).
    pub registration_rate_limit: u32,
    /// Failed survey-code look-ups (unknown or used codes) per client address in a
    /// minute before 429 (`RAZEM_SURVEY_MAX_FAILURES`).
    pub survey_max_failures: u32,
    /// Days after an event's last day when its registrations' personal data is erased
    /// (`RAZEM_REGISTRATION_RETENTION_DAYS`; `razem purge` and the hourly task of
    /// `razem serve`).
    pub registration_retention_days: u32,
    /// The licence of the open data: named in every export and feed
    /// (`RAZEM_DATA_LICENSE`, `RAZEM_DATA_LICENSE_URL`; CC BY 4.0 by default).
    pub data_license: DataLicense,
    /// The domain in the stable ids of feed entries and calendar events
    /// (`RAZEM_FEED_DOMAIN`; the request's host when unset). Set it in production: ids
    /// must not change when the API is reached under another name.
    pub feed_domain: Option<String>,
    /// How many matches `GET /search` ranks at most: the most recently indexed ones
    /// (`RAZEM_SEARCH_CANDIDATES`, 10-10 000, default 1000; `db::search_docs::search`).
    pub search_candidates: i64,
    /// The bytes of rendered public list pages an instance keeps (`RAZEM_PAGE_CACHE_KB`,
    /// 0-262 144 KiB, default 4096; 0 turns the cache off; `http::page_cache`).
    pub page_cache_bytes: usize,
}

/// The licence the open data is published under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLicense {
    /// Its short name, e.g. `CC BY 4.0`.
    pub name: String,
    /// Where its text is, e.g. `https://creativecommons.org/licenses/by/4.0/`.
    pub url: String,
}

impl Default for DataLicense {
    /// Creative Commons Attribution 4.0: what dane.gov.pl recommends for public data.
    fn default() -> Self {
        DataLicense {
            name: "CC BY 4.0".to_owned(),
            url: "https://creativecommons.org/licenses/by/4.0/".to_owned(),
        }
    }
}

impl DataLicense {
    /// Reads the two settings: a name other than the default needs its URL. Both end up
    /// in headers (`Link: <url>; rel="license"; title="name"`), so they are kept plain.
    fn from_settings(name: Option<String>, url: Option<String>) -> Result<Self, String> {
        let default = DataLicense::default();
        let url = match (&name, url) {
            (_, Some(url)) => url,
            (None, None) => default.url.clone(),
            (Some(name), None) if *name == default.name => default.url.clone(),
            (Some(_), None) => {
                return Err(
                    "RAZEM_DATA_LICENSE_URL is required with a RAZEM_DATA_LICENSE other than CC BY 4.0"
                        .to_owned(),
                );
            }
        };
        let plain_url = url.starts_with("https://") || url.starts_with("http://");
        if !plain_url
            || url
                .chars()
                .any(|c| !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"'))
        {
            return Err(format!(
                "RAZEM_DATA_LICENSE_URL must be an http(s) URL without spaces, quotes or angle brackets, not '{url}'"
            ));
        }
        let name = name.unwrap_or(default.name);
        if name
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\')
            || name.len() > 100
        {
            return Err(
                "RAZEM_DATA_LICENSE must be a short name without quotes, backslashes or control characters"
                    .to_owned(),
            );
        }
        Ok(DataLicense { name, url })
    }
}

/// `RAZEM_CLIENT_TIMEOUT` when unset (actix-web's own default for the head).
pub const DEFAULT_CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The shortest consultation window, in days, per subject kind
/// (`RAZEM_CONSULTATION_MIN_DAYS_<KIND>`); a shorter one needs a `shortened_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsultationMinDays {
    pub draft_act: u32,
    pub strategy: u32,
    pub programme: u32,
    pub regulation: u32,
    pub other: u32,
}

impl Default for ConsultationMinDays {
    /// - `strategy` 35: the act on development policy has local and regional development
    ///   strategies consulted for no less than 35 days.
    /// - `draft_act` 30: the Joint Commission of Government and Local Government (KWRiST)
    ///   gives its opinion on draft laws within 30 days; the Council of Ministers' rules
    ///   ask for 21-30 days of public consultation.
    /// - `programme` 14 and `regulation` 14: the annual programmes of cooperation with NGOs
    ///   and local acts are consulted under local resolutions, commonly for 7-14 days; 14 is
    ///   the better practice the West Pomeranian standard asks for.
    /// - `other` 7: the shortest period local resolutions commonly allow.
    fn default() -> Self {
        ConsultationMinDays {
            draft_act: 30,
            strategy: 35,
            programme: 14,
            regulation: 14,
            other: 7,
        }
    }
}

impl ConsultationMinDays {
    pub fn for_kind(&self, kind: crate::domain::SubjectKind) -> u32 {
        use crate::domain::SubjectKind;
        match kind {
            SubjectKind::DraftAct => self.draft_act,
            SubjectKind::Strategy => self.strategy,
            SubjectKind::Programme => self.programme,
            SubjectKind::Regulation => self.regulation,
            SubjectKind::Other => self.other,
        }
    }
}

pub const MIN_SECRET_BYTES: usize = 32;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let environment = match get("RAZEM_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(format!(
                    "RAZEM_ENV must be 'development' or 'production', not '{other}'"
                ));
            }
        };
        let url =
            DatabaseUrl::parse(&get("DATABASE_URL").unwrap_or_else(|| "data/razem.db".to_owned()))?;
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2) as u64;
        // Requests queue for a connection in arrival order (`Db::run`); a few busy
        // connections per core keep PostgreSQL at its best throughput and the queue's
        // tail short (bench/run: 4 on 2 cores did at least as well as 6 and 10).
        let default_pool = if url.is_postgres() {
            (2 * cpus).max(4)
        } else {
            4
        };
        let max_size = parse_number(&get, "RAZEM_DB_POOL_SIZE", default_pool, 1, 500)? as u32;
        let acquire_timeout =
            Duration::from_secs(parse_number(&get, "RAZEM_DB_TIMEOUT", 3, 1, 60)?);
        let access_token_ttl = Duration::from_secs(parse_number(
            &get,
            "RAZEM_ACCESS_TOKEN_TTL",
            900,
            60,
            86_400,
        )?);
        let request_timeout =
            Duration::from_secs(parse_number(&get, "RAZEM_REQUEST_TIMEOUT", 30, 1, 600)?);
        let refresh_token_ttl = Duration::from_secs(parse_number(
            &get,
            "RAZEM_REFRESH_TOKEN_TTL",
            30 * 86_400,
            3600,
            365 * 86_400,
        )?);
        let workers = parse_number(&get, "RAZEM_WORKERS", cpus, 1, 256)? as usize;
        let client_timeout = Duration::from_secs(parse_number(
            &get,
            "RAZEM_CLIENT_TIMEOUT",
            DEFAULT_CLIENT_TIMEOUT.as_secs(),
            1,
            300,
        )?);
        let shutdown_timeout =
            Duration::from_secs(parse_number(&get, "RAZEM_SHUTDOWN_TIMEOUT", 30, 0, 3600)?);
        let idempotency_ttl = Duration::from_secs(
            3600 * parse_number(&get, "RAZEM_IDEMPOTENCY_TTL_HOURS", 24, 1, 24 * 30)?,
        );
        let webhook_allow_private = match get("RAZEM_WEBHOOK_ALLOW_PRIVATE").as_deref() {
            None => environment == Environment::Development,
            Some("1") | Some("true") => true,
            Some("0") | Some("false") => false,
            Some(other) => {
                return Err(format!(
                    "RAZEM_WEBHOOK_ALLOW_PRIVATE must be 1 or 0, not '{other}'"
                ));
            }
        };
        let login_max_failures =
            parse_number(&get, "RAZEM_LOGIN_MAX_FAILURES", 10, 1, 10_000)? as u32;
        let token_rate_limit =
            parse_number(&get, "RAZEM_TOKEN_RATE_LIMIT", 600, 1, 1_000_000)? as u32;
        let registration_rate_limit =
            parse_number(&get, "RAZEM_REGISTRATION_RATE_LIMIT", 10, 1, 1_000_000)? as u32;
        let survey_max_failures =
            parse_number(&get, "RAZEM_SURVEY_MAX_FAILURES", 10, 1, 1_000_000)? as u32;
        let registration_retention_days =
            parse_number(&get, "RAZEM_REGISTRATION_RETENTION_DAYS", 30, 0, 3650)? as u32;
        let trusted_proxies = get("RAZEM_TRUSTED_PROXIES")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| {
                        p.parse::<std::net::IpAddr>().map_err(|_| {
                            format!("RAZEM_TRUSTED_PROXIES: '{p}' is not an IP address")
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()?
            .unwrap_or_default();

        let defaults = ConsultationMinDays::default();
        let min_days = |kind: &str, default: u32| -> Result<u32, String> {
            let name = format!("RAZEM_CONSULTATION_MIN_DAYS_{kind}");
            Ok(parse_number(&get, &name, u64::from(default), 0, 365)? as u32)
        };
        let consultation_min_days = ConsultationMinDays {
            draft_act: min_days("DRAFT_ACT", defaults.draft_act)?,
            strategy: min_days("STRATEGY", defaults.strategy)?,
            programme: min_days("PROGRAMME", defaults.programme)?,
            regulation: min_days("REGULATION", defaults.regulation)?,
            other: min_days("OTHER", defaults.other)?,
        };

        let (jwt_keys, jwt_secret_generated) = match (
            get("RAZEM_JWT_SECRET"),
            get("RAZEM_JWT_OLD_SECRETS"),
        ) {
            (Some(secret), old) => {
                let mut keys = vec![key_from_secret(&secret, "RAZEM_JWT_SECRET")?];
                for old_secret in old
                    .iter()
                    .flat_map(|o| o.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    keys.push(key_from_secret(old_secret, "RAZEM_JWT_OLD_SECRETS")?);
                }
                (keys, false)
            }
            (None, _) if environment == Environment::Production => {
                return Err(
                    "RAZEM_JWT_SECRET is required in production (at least 32 bytes, e.g. `openssl rand -hex 32`)"
                        .to_owned(),
                );
            }
            (None, _) => {
                let secret: [u8; 32] = rand::random();
                let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
                (vec![key_from_secret(&hex, "generated")?], true)
            }
        };

        let cors_origins = get("RAZEM_CORS_ORIGINS")
            .map(|list| {
                list.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_owned())
                    .filter(|o| !o.is_empty())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for origin in &cors_origins {
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                return Err(format!(
                    "RAZEM_CORS_ORIGINS: '{origin}' is not an origin like https://portal.example.org"
                ));
            }
        }

        let data_license =
            DataLicense::from_settings(get("RAZEM_DATA_LICENSE"), get("RAZEM_DATA_LICENSE_URL"))?;
        let feed_domain = get("RAZEM_FEED_DOMAIN");
        if let Some(domain) = &feed_domain
            && !domain
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
        {
            return Err(format!(
                "RAZEM_FEED_DOMAIN must be a domain name like razem.example.org, not '{domain}'"
            ));
        }

        Ok(Config {
            bind: get("RAZEM_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            environment,
            pool: PoolSettings {
                url,
                max_size,
                acquire_timeout,
            },
            jwt_keys,
            jwt_secret_generated,
            access_token_ttl,
            refresh_token_ttl,
            cors_origins,
            request_timeout,
            login_max_failures,
            token_rate_limit,
            trusted_proxies,
            consultation_min_days,
            workers,
            client_timeout,
            shutdown_timeout,
            idempotency_ttl,
            webhook_allow_private,
            registration_rate_limit,
            survey_max_failures,
            registration_retention_days,
            data_license,
            feed_domain,
            search_candidates: parse_number(&get, "RAZEM_SEARCH_CANDIDATES", 1000, 10, 10_000)?
                as i64,
            page_cache_bytes: 1024
                * parse_number(&get, "RAZEM_PAGE_CACHE_KB", 4096, 0, 256 * 1024)? as usize,
        })
    }
}

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, String> {
    match get(name) {
        None => Ok(default),
        Some(raw) => match raw.parse::<u64>() {
            Ok(value) if (min..=max).contains(&value) => Ok(value),
            _ => Err(format!(
                "{name} must be a whole number from {min} to {max}, not '{raw}'"
            )),
        },
    }
}

/// The key id is derived from the secret, so tokens name their key without revealing it.
fn key_from_secret(secret: &str, source: &str) -> Result<JwtKey, String> {
    use sha2::{Digest, Sha256};
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "{source}: a JWT secret must be at least {MIN_SECRET_BYTES} bytes long"
        ));
    }
    let digest = Sha256::digest(secret.as_bytes());
    let kid: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    Ok(JwtKey {
        kid,
        secret: secret.as_bytes().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_are_development_on_sqlite() {
        let config = config(&[]).unwrap();
        assert_eq!(config.environment, Environment::Development);
        assert_eq!(config.pool.url, DatabaseUrl::Sqlite("data/razem.db".into()));
        assert!(config.jwt_secret_generated);
        assert_eq!(config.bind, "127.0.0.1:8080");
    }

    #[test]
    fn production_needs_a_secret() {
        let error = config(&[("RAZEM_ENV", "production")]).unwrap_err();
        assert!(error.contains("RAZEM_JWT_SECRET"));
        assert!(config(&[("RAZEM_ENV", "production"), ("RAZEM_JWT_SECRET", "short")]).is_err());
        assert!(
            config(&[
                ("RAZEM_ENV", "production"),
                ("RAZEM_JWT_SECRET", &"x".repeat(32))
            ])
            .is_ok()
        );
    }

    #[test]
    fn consultation_minimum_periods() {
        let defaults = config(&[]).unwrap().consultation_min_days;
        assert_eq!(defaults, ConsultationMinDays::default());
        assert_eq!(defaults.for_kind(crate::domain::SubjectKind::Strategy), 35);
        let set = config(&[("RAZEM_CONSULTATION_MIN_DAYS_PROGRAMME", "21")])
            .unwrap()
            .consultation_min_days;
        assert_eq!(set.programme, 21);
        assert_eq!(set.strategy, 35);
        assert!(
            config(&[("RAZEM_CONSULTATION_MIN_DAYS_OTHER", "400")])
                .unwrap_err()
                .contains("RAZEM_CONSULTATION_MIN_DAYS_OTHER")
        );
    }

    #[test]
    fn bad_values_are_one_clear_line() {
        assert!(
            config(&[("RAZEM_DB_POOL_SIZE", "lots")])
                .unwrap_err()
                .contains("RAZEM_DB_POOL_SIZE")
        );
        assert!(
            config(&[("DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .contains("not supported")
        );
        assert!(
            config(&[("RAZEM_ENV", "staging")])
                .unwrap_err()
                .contains("RAZEM_ENV")
        );
    }

    #[test]
    fn the_data_licence_is_cc_by_unless_configured() {
        assert_eq!(config(&[]).unwrap().data_license, DataLicense::default());
        let custom = config(&[
            ("RAZEM_DATA_LICENSE", "CC0 1.0"),
            (
                "RAZEM_DATA_LICENSE_URL",
                "https://creativecommons.org/publicdomain/zero/1.0/",
            ),
        ])
        .unwrap();
        assert_eq!(custom.data_license.name, "CC0 1.0");
        let without_url = config(&[("RAZEM_DATA_LICENSE", "CC0 1.0")]).unwrap_err();
        assert!(without_url.contains("RAZEM_DATA_LICENSE_URL"));
        assert!(config(&[("RAZEM_DATA_LICENSE_URL", "javascript:alert(1)")]).is_err());
        assert!(config(&[("RAZEM_DATA_LICENSE_URL", "https://x.org/a b")]).is_err());
        assert!(config(&[("RAZEM_FEED_DOMAIN", "razem.example.org")]).is_ok());
        assert!(config(&[("RAZEM_FEED_DOMAIN", "razem example")]).is_err());
    }
}
