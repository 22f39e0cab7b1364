//! Spawns the whole application in-process against a fresh database of the backend
//! chosen by `TEST_DATABASE_URL` (unset or `sqlite`: a temporary SQLite file;
//! `postgres://…`: an admin URL under which each test creates its own database).

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use diesel::prelude::*;
use razem::config::Config;
use razem::db::{Db, DbConnection};
use razem::domain::Role;
use razem::http::AppState;
use razem::server::build_app;
use serde_json::Value;

/// A throwaway database, removed when the test ends.
pub struct TestDatabase {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDatabase {
    pub fn create() -> TestDatabase {
        let requested = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
        let unique = uuid::Uuid::new_v4().simple().to_string();
        if requested.starts_with("postgres://") || requested.starts_with("postgresql://") {
            let name = format!("razem_test_{}", &unique[..16]);
            let mut admin =
                PgConnection::establish(&requested).expect("connect to the PostgreSQL admin URL");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create the test database");
            let mut url = url::Url::parse(&requested).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&format!("/{name}"));
            TestDatabase {
                url: url.to_string(),
                cleanup: Cleanup::PostgresDatabase {
                    admin_url: requested,
                    name,
                },
            }
        } else {
            let path = std::env::temp_dir().join(format!("razem-test-{unique}.db"));
            TestDatabase {
                url: path.to_string_lossy().into_owned(),
                cleanup: Cleanup::SqliteFile(path),
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ =
                        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin);
                }
            }
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }

    /// Asserts a problem+json error with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "body: {}",
            self.text
        );
        assert_eq!(self.json["status"], status, "body: {}", self.text);
        assert_eq!(self.json["code"], code, "body: {}", self.text);
        assert!(
            self.json["title"].is_string()
                && self.json["detail"].is_string()
                && self.json["type"].is_string()
        );
    }

    /// The field paths named in a 422's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("an ETag header").to_owned()
    }
}

pub struct TestApp<S> {
    service: S,
    pub db: Db,
    /// The database this app serves from (another instance may share it).
    pub database_url: String,
    /// Dropped (and the database with it) by the app that created it.
    _database: Option<TestDatabase>,
}

/// Settings of a test app, from the test database URL.
pub fn test_config(database_url: &str) -> Config {
    let url = database_url.to_owned();
    Config::from_lookup(move |name| match name {
        "DATABASE_URL" => Some(url.clone()),
        "RAZEM_JWT_SECRET" => Some("test-secret-that-is-at-least-32-bytes-long".to_owned()),
        "RAZEM_DB_POOL_SIZE" => Some("4".to_owned()),
        _ => None,
    })
    .expect("test configuration")
}

/// The application on a fresh, migrated, empty database.
pub async fn spawn_app() -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the configuration adjusted first.
pub async fn spawn_app_with(
    adjust: impl FnOnce(&mut Config),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let database = TestDatabase::create();
    let url = database.url.clone();
    start_app(url, Some(database), adjust).await
}

/// Another instance of the application on the database of `app`, with its own pool and
/// state, as a second server behind a load balancer would be.
pub async fn spawn_instance_of<S>(
    app: &TestApp<S>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    start_app(app.database_url.clone(), None, adjust).await
}

async fn start_app(
    database_url: String,
    database: Option<TestDatabase>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp<
    impl Service<Request, Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error>,
> {
    let mut config = test_config(&database_url);
    adjust(&mut config);
    let db = Db::new(&config.pool).expect("pool");
    // A test may point the pool at an unreachable database on purpose.
    if let Ok(mut conn) = db.connection() {
        razem::db::run_migrations(&mut conn).expect("migrations");
    }
    let state = web::Data::new(AppState::new(db.clone(), config));
    let service = test::init_service(build_app(state)).await;
    TestApp {
        service,
        db,
        database_url,
        _database: database,
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

impl<S, B> TestApp<S>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    /// Sends a request and reads the whole response.
    pub async fn send(&self, request: TestRequest) -> TestResponse {
        let response = test::call_service(&self.service, request.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = test::read_body(response).await;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.send(with_token(TestRequest::get().uri(path), token))
            .await
    }

    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> TestResponse {
        self.send(with_token(
            TestRequest::post().uri(path).set_json(body),
            token,
        ))
        .await
    }

    pub async fn patch(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
        if_match: Option<&str>,
    ) -> TestResponse {
        let mut request = with_token(TestRequest::patch().uri(path).set_json(body), token);
        if let Some(tag) = if_match {
            request = request.insert_header(("If-Match", tag));
        }
        self.send(request).await
    }

    pub async fn delete(
        &self,
        path: &str,
        token: Option<&str>,
        if_match: Option<&str>,
    ) -> TestResponse {
        let mut request = with_token(TestRequest::delete().uri(path), token);
        if let Some(tag) = if_match {
            request = request.insert_header(("If-Match", tag));
        }
        self.send(request).await
    }

    /// Runs a closure on a pooled connection (to inspect what was stored).
    pub fn with_conn<T>(&self, work: impl FnOnce(&mut DbConnection) -> T) -> T {
        let mut conn = self.db.connection().expect("a connection");
        work(&mut conn)
    }

    /// Creates a person directly in the database and signs them in over HTTP.
    pub async fn user(&self, email: &str, role: Role, associations: &[i64]) -> (i64, String) {
        let hash = razem::auth::password::hash(PASSWORD).expect("hash");
        let data = razem::users::service::NewUserData {
            email: email.to_owned(),
            name: format!("Test {role}"),
            role,
            password_hash: hash,
            associations: associations.to_vec(),
        };
        let user = self.with_conn(|conn| {
            razem::users::service::create(conn, &Default::default(), data).expect("create user")
        });
        let login = self
            .post(
                "/api/v1/auth/login",
                &serde_json::json!({"email": email, "password": PASSWORD}),
                None,
            )
            .await;
        assert_eq!(login.status, StatusCode::OK, "login: {}", login.text);
        (
            user.user.id,
            login.json["access_token"]
                .as_str()
                .expect("token")
                .to_owned(),
        )
    }

    pub async fn admin(&self) -> String {
        self.user("admin@example.org", Role::Admin, &[]).await.1
    }

    /// Creates an organization through the API as `token` and returns its body.
    pub async fn organization(&self, token: &str, body: Value) -> Value {
        let response = self.post("/api/v1/organizations", &body, Some(token)).await;
        assert_eq!(
            response.status,
            StatusCode::CREATED,
            "create organization: {}",
            response.text
        );
        response.json
    }

    /// Issues an API token for an organization through the API (as an admin) and returns its secret.
    pub async fn api_token(&self, admin: &str, organization_id: i64, scopes: &[&str]) -> String {
        let created = self
            .post(
                "/api/v1/tokens",
                &serde_json::json!({"name": "test token", "organization_id": organization_id, "scopes": scopes}),
                Some(admin),
            )
            .await;
        assert_eq!(
            created.status,
            StatusCode::CREATED,
            "issue token: {}",
            created.text
        );
        created.json["token"].as_str().expect("secret").to_owned()
    }

    /// The id of an organization by slug.
    pub async fn id_of(&self, slug: &str) -> i64 {
        let response = self
            .get(&format!("/api/v1/organizations/{slug}"), None)
            .await;
        response.json["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no organization {slug}: {}", response.text))
    }

    /// Loads the demo data set.
    pub fn seed_demo(&self) {
        self.with_conn(|conn| razem::seed::load_demo(conn).expect("demo data"));
    }

    /// How many audit records an object has.
    pub fn audit_count(&self, object_type: &str, object_id: i64) -> usize {
        self.with_conn(|conn| {
            razem::audit::repo::for_object(conn, object_type, &object_id.to_string())
                .expect("audit")
                .len()
        })
    }
}

fn with_token(request: TestRequest, token: Option<&str>) -> TestRequest {
    match token {
        Some(token) => request.insert_header(("Authorization", format!("Bearer {token}"))),
        None => request,
    }
}
