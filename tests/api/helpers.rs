//! Spawns the whole application in-process against a fresh database of the backend
//! chosen by `TEST_DATABASE_URL` (unset or `sqlite`: a temporary SQLite file;
//! `postgres://…`: an admin URL under which each test creates its own database).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use actix_web::web;
use diesel::prelude::*;
use razem::config::Config;
use razem::db::{Db, DbConnection};
use razem::domain::Role;
use razem::http::AppState;
use razem::server::build_app;
use serde::Serialize;
use serde::de::DeserializeOwned;
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
    status: StatusCode,
    headers: HeaderMap,
    text: String,
    json: Value,
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

    /// The version the `ETag` names (`"3-<digest>"` → 3): what `If-Match` compares.
    pub fn etag_version(&self) -> i64 {
        let etag = self.etag();
        let opaque = etag.trim_matches('"');
        let version = opaque.split_once('-').map_or(opaque, |(v, _)| v);
        version.parse().expect("an ETag naming a version")
    }
}

/// The application's service, boxed once so that [`TestApp`] is one concrete type and
/// helpers take a plain `&TestApp`.
struct BoxedApp(Rc<Call>);

type Responding = Pin<Box<dyn Future<Output = Result<ServiceResponse, actix_web::Error>>>>;
type Call = dyn Fn(Request) -> Responding;

impl BoxedApp {
    fn new<S, B>(service: S) -> BoxedApp
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
        B: MessageBody + 'static,
    {
        let service = Rc::new(service);
        BoxedApp(Rc::new(move |request| {
            let service = Rc::clone(&service);
            Box::pin(async move {
                service
                    .call(request)
                    .await
                    .map(ServiceResponse::map_into_boxed_body)
            })
        }))
    }
}

/// The application on its own database.
pub struct TestApp {
    service: BoxedApp,
    /// People signed in through `as_admin`, `as_editor`, `as_viewer` and `admin`, by
    /// role and association, shared with other instances on the same database.
    people: Rc<RefCell<HashMap<String, Person>>>,
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
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with the configuration adjusted first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let database = TestDatabase::create();
    let url = database.url.clone();
    start_app(url, Some(database), Rc::default(), adjust).await
}

/// Another instance of the application on the database of `app`, with its own pool and
/// state, as a second server behind a load balancer would be.
pub async fn spawn_instance_of(app: &TestApp, adjust: impl FnOnce(&mut Config)) -> TestApp {
    start_app(
        app.database_url.clone(),
        None,
        Rc::clone(&app.people),
        adjust,
    )
    .await
}

async fn start_app(
    database_url: String,
    database: Option<TestDatabase>,
    people: Rc<RefCell<HashMap<String, Person>>>,
    adjust: impl FnOnce(&mut Config),
) -> TestApp {
    let mut config = test_config(&database_url);
    adjust(&mut config);
    let db = Db::new(&config.pool).expect("pool");
    // A test may point the pool at an unreachable database on purpose.
    if let Ok(mut conn) = db.connection() {
        razem::db::run_migrations(&mut conn).expect("migrations");
    }
    let state = web::Data::new(AppState::new(db.clone(), config));
    let service = BoxedApp::new(test::init_service(build_app(state)).await);
    TestApp {
        service,
        people,
        db,
        database_url,
        _database: database,
    }
}

pub const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Sends a request and reads the whole response.
    pub async fn send(&self, request: TestRequest) -> TestResponse {
        let response = (self.service.0)(request.to_request())
            .await
            .expect("the application answers");
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
        // Straight to `send`: the builders sign people in through here.
        let login = self
            .send(
                TestRequest::post()
                    .uri("/api/v1/auth/login")
                    .set_json(serde_json::json!({"email": email, "password": PASSWORD})),
            )
            .await
            .assert_status(200);
        (user.user.id, login.json_as::<SignedIn>().access_token)
    }

    /// The token of the test admin (the one `as_admin` uses), created on first use.
    pub async fn admin(&self) -> String {
        self.signed_in(Role::Admin, None).await.token
    }

    /// The person of this role (and association, for an editor), created and signed in
    /// on first use and remembered.
    async fn signed_in(&self, role: Role, association_id: Option<i64>) -> Person {
        let key = match association_id {
            Some(id) => format!("{role}-{id}"),
            None => role.to_string(),
        };
        if let Some(person) = self.people.borrow().get(&key) {
            return person.clone();
        }
        let email = match (role, association_id) {
            (Role::Admin, _) => "admin@example.org".to_owned(),
            (_, Some(id)) => format!("{role}-{id}@example.org"),
            (_, None) => format!("{role}@example.org"),
        };
        let associations: Vec<i64> = association_id.into_iter().collect();
        let (id, token) = self.user(&email, role, &associations).await;
        let person = Person { id, token };
        self.people.borrow_mut().insert(key, person.clone());
        person
    }

    /// Creates an organization through the API as `token` and returns its body.
    pub async fn organization(&self, token: &str, body: Value) -> Value {
        self.with_token(token)
            .post("/api/v1/organizations")
            .json(body)
            .send()
            .await
            .assert_status(201)
            .into_json()
    }

    /// Issues an API token for an organization through the API (as an admin) and returns its secret.
    pub async fn api_token(&self, admin: &str, organization_id: i64, scopes: &[&str]) -> String {
        self.with_token(admin)
            .post("/api/v1/tokens")
            .json(serde_json::json!({"name": "test token", "organization_id": organization_id, "scopes": scopes}))
            .send()
            .await
            .assert_status(201)
            .json_as::<IssuedToken>()
            .token
    }

    /// The id of an organization by slug.
    pub async fn id_of(&self, slug: &str) -> i64 {
        self.anonymous()
            .get(format!("/api/v1/organizations/{slug}"))
            .send()
            .await
            .assert_status(200)
            .id()
    }

    /// The OpenAPI document as served (`GET /api/v1/openapi.json`).
    pub async fn served_document(&self) -> Value {
        self.anonymous()
            .get("/api/v1/openapi.json")
            .send()
            .await
            .assert_status(200)
            .into_json()
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

    /// The folded words the search index holds for a resource: its title words, then
    /// its body words (`kind` as in `search_docs`: "position", "project", ...).
    pub fn indexed_words(&self, kind: &str, resource_id: i64) -> String {
        use razem::db::schema::search_docs;
        let (title, body): (String, String) = self.with_conn(|conn| {
            search_docs::table
                .filter(search_docs::kind.eq(kind))
                .filter(search_docs::resource_id.eq(resource_id))
                .select((search_docs::title_words, search_docs::body_words))
                .first(conn)
                .expect("an entry in the search index")
        });
        format!("{title} {body}")
    }
}

fn with_token(request: TestRequest, token: Option<&str>) -> TestRequest {
    match token {
        Some(token) => request.insert_header(("Authorization", format!("Bearer {token}"))),
        None => request,
    }
}

/// A person created for a test, signed in.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub token: String,
}

/// Who sends a request; people are created on the first request that needs them.
#[derive(Debug, Clone)]
enum Who {
    Anonymous,
    Token(String),
    Role(Role, Option<i64>),
}

impl TestApp {
    /// Requests without credentials.
    pub fn anonymous(&self) -> Caller<'_> {
        self.caller(None)
    }

    /// Requests with this bearer token (a person's access token or an API token).
    pub fn with_token(&self, token: impl Into<String>) -> Caller<'_> {
        Caller {
            app: self,
            who: Who::Token(token.into()),
        }
    }

    /// Requests as `token`, or anonymous for `None` (for tables of callers).
    pub fn caller(&self, token: Option<&str>) -> Caller<'_> {
        Caller {
            app: self,
            who: token.map_or(Who::Anonymous, |token| Who::Token(token.to_owned())),
        }
    }

    /// Requests as the test admin (`admin@example.org`).
    pub fn as_admin(&self) -> Caller<'_> {
        self.as_role(Role::Admin, None)
    }

    /// Requests as an editor of this association (one editor per association).
    pub fn as_editor(&self, association_id: i64) -> Caller<'_> {
        self.as_role(Role::Editor, Some(association_id))
    }

    /// Requests as a viewer (a signed-in person who edits nothing).
    pub fn as_viewer(&self) -> Caller<'_> {
        self.as_role(Role::Viewer, None)
    }

    fn as_role(&self, role: Role, association_id: Option<i64>) -> Caller<'_> {
        Caller {
            app: self,
            who: Who::Role(role, association_id),
        }
    }

    /// Creates a person directly in the database and signs them in over HTTP.
    pub async fn person(&self, email: &str, role: Role, associations: &[i64]) -> Person {
        let (id, token) = self.user(email, role, associations).await;
        Person { id, token }
    }

    /// The audit actions of an object, oldest first.
    pub fn audit_actions(&self, object_type: &str, object_id: i64) -> Vec<String> {
        self.with_conn(|conn| {
            razem::audit::repo::for_object(conn, object_type, &object_id.to_string())
                .expect("audit")
                .into_iter()
                .map(|row| row.action)
                .collect()
        })
    }
}

/// One caller of the API: makes request builders that carry its credentials.
#[derive(Clone)]
pub struct Caller<'a> {
    app: &'a TestApp,
    who: Who,
}

impl<'a> Caller<'a> {
    pub fn get(&self, path: impl AsRef<str>) -> RequestBuilder<'a> {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: impl AsRef<str>) -> RequestBuilder<'a> {
        self.request(Method::POST, path)
    }

    pub fn put(&self, path: impl AsRef<str>) -> RequestBuilder<'a> {
        self.request(Method::PUT, path)
    }

    pub fn patch(&self, path: impl AsRef<str>) -> RequestBuilder<'a> {
        self.request(Method::PATCH, path)
    }

    pub fn delete(&self, path: impl AsRef<str>) -> RequestBuilder<'a> {
        self.request(Method::DELETE, path)
    }

    pub fn request(&self, method: Method, path: impl AsRef<str>) -> RequestBuilder<'a> {
        RequestBuilder {
            app: self.app,
            who: self.who.clone(),
            request: TestRequest::default().method(method).uri(path.as_ref()),
        }
    }

    /// The person behind an `as_admin` / `as_editor` / `as_viewer` caller (created on
    /// first use).
    pub async fn person(&self) -> Person {
        match &self.who {
            Who::Role(role, association_id) => self.app.signed_in(*role, *association_id).await,
            other => panic!("{other:?} is not a test person"),
        }
    }

    /// The bearer token this caller sends, if any.
    pub async fn token(&self) -> Option<String> {
        match &self.who {
            Who::Anonymous => None,
            Who::Token(token) => Some(token.clone()),
            Who::Role(..) => Some(self.person().await.token),
        }
    }
}

/// A value for `If-Match`: a version number (sent as its strong ETag `"3"`) or the header
/// text as it is (an ETag from a response, `*`, or something malformed).
pub trait IfMatch {
    fn header_value(self) -> String;
}

impl IfMatch for i64 {
    fn header_value(self) -> String {
        format!("\"{self}\"")
    }
}

impl IfMatch for i32 {
    fn header_value(self) -> String {
        i64::from(self).header_value()
    }
}

impl IfMatch for &str {
    fn header_value(self) -> String {
        self.to_owned()
    }
}

impl IfMatch for String {
    fn header_value(self) -> String {
        self
    }
}

impl IfMatch for &String {
    fn header_value(self) -> String {
        self.clone()
    }
}

/// One request being built; `send` sends it and reads the whole response.
pub struct RequestBuilder<'a> {
    app: &'a TestApp,
    who: Who,
    request: TestRequest,
}

impl RequestBuilder<'_> {
    /// A JSON body (`Content-Type: application/json`).
    pub fn json(mut self, body: impl Serialize) -> Self {
        self.request = self.request.set_json(body);
        self
    }

    /// A raw body, sent as it is (set the content type with `header`).
    pub fn body(mut self, bytes: impl Into<actix_web::web::Bytes>) -> Self {
        self.request = self.request.set_payload(bytes.into());
        self
    }

    /// `If-Match` with a version (`.if_match(3)`) or an ETag (`.if_match(&got.etag())`).
    pub fn if_match(self, tag: impl IfMatch) -> Self {
        self.header("If-Match", tag.header_value())
    }

    pub fn header(mut self, name: &str, value: impl AsRef<str>) -> Self {
        self.request = self
            .request
            .insert_header((name.to_owned(), value.as_ref().to_owned()));
        self
    }

    pub async fn send(self) -> TestResponse {
        let token = Caller {
            app: self.app,
            who: self.who,
        }
        .token()
        .await;
        self.app
            .send(with_token(self.request, token.as_deref()))
            .await
    }
}

/// The `id` and `version` every versioned resource answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
pub struct Versioned {
    pub id: i64,
    pub version: i64,
}

#[derive(serde::Deserialize)]
struct SignedIn {
    access_token: String,
}

#[derive(serde::Deserialize)]
struct IssuedToken {
    token: String,
}

/// A page of a list.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl TestResponse {
    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn json(&self) -> &Value {
        &self.json
    }

    pub fn into_json(self) -> Value {
        self.json
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The body as `T`; panics with the body when it does not fit.
    #[track_caller]
    pub fn json_as<T: DeserializeOwned>(&self) -> T {
        serde_json::from_value(self.json.clone()).unwrap_or_else(|error| {
            panic!(
                "body is not a {}: {error}; body: {}",
                std::any::type_name::<T>(),
                self.text
            )
        })
    }

    /// Asserts the status and hands the response on:
    /// `let created = app.as_admin().post(..).json(&b).send().await.assert_status(201);`
    #[track_caller]
    pub fn assert_status(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// The `id` of the resource in the body.
    #[track_caller]
    pub fn id(&self) -> i64 {
        self.json_as::<Versioned>().id
    }

    /// The `version` of the resource in the body.
    #[track_caller]
    pub fn version(&self) -> i64 {
        self.json_as::<Versioned>().version
    }

    /// The items of a page.
    #[track_caller]
    pub fn items(&self) -> &Vec<Value> {
        self.json["items"]
            .as_array()
            .unwrap_or_else(|| panic!("a page: {}", self.text))
    }

    /// The `id`s of the items of a page, in order.
    #[track_caller]
    pub fn ids(&self) -> Vec<i64> {
        self.json_as::<Page<Versioned>>()
            .items
            .iter()
            .map(|item| item.id)
            .collect()
    }

    /// One text field of every item of a page, in order (e.g. `"title"`).
    #[track_caller]
    pub fn item_strings(&self, field: &str) -> Vec<String> {
        self.items()
            .iter()
            .map(|item| {
                item[field]
                    .as_str()
                    .unwrap_or_else(|| panic!("{field} of {item}"))
                    .to_owned()
            })
            .collect()
    }

    /// The cursor of a page's next page, if there is one.
    #[track_caller]
    pub fn next_cursor(&self) -> Option<String> {
        self.json_as::<Page<Value>>().next_cursor
    }

    /// Asserts a 422 whose `errors` name this field with this code.
    #[track_caller]
    pub fn assert_invalid(&self, field: &str, code: &str) {
        self.assert_problem(422, "validation_failed");
        let errors = self.json["errors"].as_array().expect("errors");
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "expected {field}/{code} in {}",
            self.text
        );
    }
}

/// Percent-encodes a query parameter value.
pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// How many organizations are stored.
pub fn organization_count(conn: &mut DbConnection) -> i64 {
    use razem::db::schema::organizations;
    organizations::table
        .count()
        .get_result(conn)
        .expect("count organizations")
}

/// The `id` of a resource body already read (`created.id()`).
pub trait Resource {
    fn id(&self) -> i64;
}

impl Resource for Value {
    #[track_caller]
    fn id(&self) -> i64 {
        self["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {self}"))
    }
}

/// Runs `round` until it answers `true`, at most `rounds` times and 5 ms apart, and
/// panics with `what` otherwise: for work the system finishes on its own (the feed's
/// numbering, webhook deliveries). A bound, never a timed assertion.
pub async fn eventually<F, R>(rounds: usize, what: &str, mut round: F)
where
    F: FnMut() -> R,
    R: Future<Output = bool>,
{
    for _ in 0..rounds {
        if round().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("{what}");
}

/// Waits (boundedly) until every stored event has its feed number. On PostgreSQL an
/// event is numbered once every older transaction of the cluster has ended, and other
/// tests write on the same cluster; reading the feed runs the numbering.
pub async fn settle(app: &TestApp) {
    use razem::db::schema::changes;
    eventually(
        1000,
        "the change feed did not number its events",
        || async {
            let read = app.anonymous().get("/api/v1/changes?limit=1").send().await;
            assert_eq!(read.status(), StatusCode::OK, "{}", read.text());
            let pending: i64 = app.with_conn(|conn| {
                changes::table
                    .filter(changes::seq.is_null())
                    .count()
                    .get_result(conn)
                    .expect("count")
            });
            pending == 0
        },
    )
    .await;
}

/// Every change after `cursor` the caller sees now, following `next_cursor` to the end;
/// returns them and the last cursor.
pub async fn read_all(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    mut cursor: Option<String>,
) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    loop {
        let mut path = format!("/api/v1/changes?limit=100{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.caller(token).get(&path).send().await;
        assert_eq!(page.status(), StatusCode::OK, "{path}: {}", page.text());
        let next = page.json()["next_cursor"]
            .as_str()
            .expect("next_cursor is always given")
            .to_owned();
        assert!(
            page.header("link")
                .is_some_and(|l| l.contains("rel=\"next\"")),
            "a Link header on every page"
        );
        let got = page.json()["items"].as_array().expect("items").clone();
        let done = got.len() < 100;
        items.extend(got);
        cursor = Some(next);
        if done {
            return (items, cursor.unwrap_or_default());
        }
    }
}

// ------------------------------------------------------------------ the read model

impl TestApp {
    /// An administrator's write of `path` (`PATCH`, `DELETE`, else `POST`) with the
    /// `If-Match` of the resource it is under (`/api/v1/<collection>/<id>`); asserts
    /// success and returns the body (`Null` when empty).
    pub async fn admin_write(
        &self,
        method: &str,
        path: impl AsRef<str>,
        body: Option<Value>,
    ) -> Value {
        let path = path.as_ref();
        let resource: Vec<&str> = path.split('/').take(5).collect();
        let current = self.as_admin().get(resource.join("/")).send().await;
        let mut request = match method {
            "PATCH" => self.as_admin().patch(path),
            "DELETE" => self.as_admin().delete(path),
            _ => self.as_admin().post(path),
        };
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.if_match(current.etag()).send().await;
        assert!(
            response.status().is_success(),
            "{method} {path}: {}",
            response.text()
        );
        if response.text().is_empty() {
            Value::Null
        } else {
            response.into_json()
        }
    }

    /// Renames an organization (as an administrator).
    pub async fn rename_organization(&self, id: i64, name: &str) {
        let body = serde_json::json!({ "name": name });
        self.admin_write("PATCH", format!("/api/v1/organizations/{id}"), Some(body))
            .await;
    }

    /// The stored and the freshly rendered read-model document of `kind` `id` agree;
    /// returns whether one is stored. When stored, an anonymous GET of
    /// `/api/v1/<collection>/<id>` answers exactly its bytes and its version.
    pub async fn assert_read_model(
        &self,
        kind: &str,
        collection: &str,
        id: i64,
        step: &str,
    ) -> bool {
        let (stored, fresh) = self.with_conn(|conn| {
            razem::read_model::stored_and_fresh(conn, kind, id).expect("read model")
        });
        assert_eq!(
            stored, fresh,
            "after {step}: stored and fresh documents of {kind} {id} differ"
        );
        let Some(doc) = stored else {
            return false;
        };
        let served = self
            .anonymous()
            .get(format!("/api/v1/{collection}/{id}"))
            .send()
            .await
            .assert_status(200);
        assert_eq!(
            served.text(),
            doc.doc,
            "after {step}: GET serves the stored bytes"
        );
        assert_eq!(served.etag_version(), doc.version);
        true
    }
}
