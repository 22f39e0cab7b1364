//! App assembly: routes, middleware, extractor configuration, the default 404/405.

use std::sync::OnceLock;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::{Compress, DefaultHeaders, Logger, Next, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, web};

use crate::error::{ApiResult, Code};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::{AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::error::ApiError;
use crate::http::AppState;
use crate::openapi::ApiDoc;

/// Every documented route, with the OpenAPI document collected from them.
pub fn routes_app() -> UtoipaApp<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    register_routes(App::new().into_utoipa_app())
}

fn register_routes<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(crate::auth::routes)
                .configure(crate::users::routes)
                .configure(crate::tokens::routes)
                .configure(crate::audit::routes)
                .configure(crate::organizations::routes)
                .configure(crate::associations::routes)
                .configure(crate::associations::memberships::routes)
                .configure(crate::associations::presidencies::routes)
                .configure(crate::associations::milestones::routes)
                .configure(crate::positions::routes)
                .configure(crate::projects::routes)
                .configure(crate::projects::indicators::routes)
                .configure(crate::projects::events::routes)
                .configure(crate::consultations::routes)
                .configure(crate::practices::routes)
                .configure(crate::registrations::routes)
                .configure(crate::working_groups::routes)
                .configure(crate::changes::routes)
                .configure(crate::webhooks::routes)
                .configure(crate::feeds::routes)
                .configure(crate::cooperation::routes)
                .configure(crate::search::routes),
        )
        .configure(crate::health::routes)
}

/// Path templates and their methods, to tell 405 from 404.
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<Method>)>,
}

impl RouteTable {
    pub fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let methods = [
                    (item.get.is_some(), Method::GET),
                    (item.post.is_some(), Method::POST),
                    (item.put.is_some(), Method::PUT),
                    (item.patch.is_some(), Method::PATCH),
                    (item.delete.is_some(), Method::DELETE),
                ]
                .into_iter()
                .filter_map(|(present, method)| present.then_some(method))
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods allowed on a path, if any route matches it.
    fn allowed(&self, path: &str) -> Option<Vec<Method>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        // The most specific templates win: `/presidencies/current` over `/presidencies/{id}`.
        let mut allowed: Vec<Method> = Vec::new();
        let mut fewest_parameters = usize::MAX;
        for (template, methods) in &self.routes {
            let matches = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
            if !matches {
                continue;
            }
            let parameters = template.iter().filter(|t| t.starts_with('{')).count();
            if parameters < fewest_parameters {
                fewest_parameters = parameters;
                allowed.clear();
            }
            if parameters == fewest_parameters {
                allowed.extend(methods.iter().cloned());
            }
        }
        (!allowed.is_empty()).then_some(allowed)
    }
}

/// The route table of the document, built the first time a request matches no route.
fn route_table() -> &'static RouteTable {
    static ROUTES: OnceLock<RouteTable> = OnceLock::new();
    ROUTES.get_or_init(|| RouteTable::from_document(&crate::server::document()))
}

/// The OpenAPI document as served, built on the first request for it (not at start:
/// generating it costs tens of milliseconds and megabytes the server does not need
/// until someone asks), then shared by every worker.
fn served_document() -> &'static web::Bytes {
    static DOCUMENT: OnceLock<web::Bytes> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        web::Bytes::from(serde_json::to_vec(&crate::server::document()).unwrap_or_default())
    })
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(header::ContentType::json())
        .body(served_document().clone())
}

async fn fallback(req: HttpRequest) -> ApiResult<HttpResponse> {
    Err(match route_table().allowed(req.path()) {
        // A route with a constrained parameter (`{presidency_id:[0-9]+}`) did not match.
        Some(methods) if methods.contains(req.method()) => ApiError::new(
            Code::InvalidPath,
            "a path parameter is not valid (ids are positive whole numbers)",
        ),
        Some(methods) => {
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            ApiError::new(
                Code::MethodNotAllowed,
                format!("{} is not allowed here; allowed: {allow}", req.method()),
            )
            .with_header(
                header::ALLOW,
                header::HeaderValue::from_str(&allow)
                    .unwrap_or(header::HeaderValue::from_static("GET")),
            )
        }
        None => ApiError::not_found(format!("no resource at {}", req.path())),
    })
}

fn path_error(error: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        Code::InvalidPath,
        "a path parameter is not valid (ids are positive whole numbers)",
    )
    .with_internal(error)
    .into()
}

/// Answers 503 when a request runs longer than the configured limit.
async fn request_timeout(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.config.request_timeout)
        .unwrap_or(std::time::Duration::from_secs(30));
    match tokio::time::timeout(limit, next.call(req)).await {
        Ok(result) => result,
        Err(_) => Err(ApiError::new(
            Code::Timeout,
            format!(
                "the request took longer than {} s and was stopped",
                limit.as_secs()
            ),
        )
        .into()),
    }
}

/// Authenticated answers are private to their caller: never cache them.
async fn no_store_when_authenticated(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let authenticated = req.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.call(req).await?;
    if authenticated {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT,
            header::HeaderName::from_static(crate::idempotency::HEADER),
            crate::request_id::HEADER,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::LINK,
            header::CONTENT_DISPOSITION,
            header::RETRY_AFTER,
            header::HeaderName::from_static(crate::idempotency::REPLAYED),
            crate::request_id::HEADER,
        ])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// The whole application: what `serve` runs (once per worker) and what the tests call.
pub fn build_app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    crate::read_model::install();
    crate::consultations::read::configure(state.config.consultation_min_days);
    crate::registrations::install();
    crate::export::install(document);
    // The document and Swagger UI come first: the `/api/v1` scope would swallow the path.
    let app = App::new()
        .service(
            web::resource("/api/v1/openapi.json")
                .guard(actix_web::guard::Get())
                .to(openapi_json),
        )
        .service(
            SwaggerUi::new("/swagger-ui/{_:.*}")
                .config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json")),
        )
        .service(web::redirect("/swagger-ui", "/swagger-ui/"));
    let (app, _) = register_routes(app.into_utoipa_app()).split_for_parts();
    let cors = cors(&state.config.cors_origins);
    app.app_data(state)
        .app_data(web::PathConfig::default().error_handler(path_error))
        .default_service(web::to(fallback))
        .wrap(from_fn(crate::idempotency::middleware))
        .wrap(from_fn(request_timeout))
        .wrap(from_fn(crate::http::conditional::middleware))
        .wrap(from_fn(no_store_when_authenticated))
        .wrap(
            DefaultHeaders::new()
                .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .add((header::REFERRER_POLICY, "no-referrer")),
        )
        .wrap(cors)
        .wrap(Compress::default())
        .wrap(from_fn(crate::request_id::middleware))
        .wrap(
            // The request line without the HTTP version, with codes in paths hidden.
            Logger::new("%{r}a \"%{request}xi\" %s %b %Dms request_id=%{x-request-id}o")
                .custom_request_replace("request", |req| {
                    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
                    format!(
                        "{} {}",
                        req.method(),
                        crate::http::redact::secrets_in_path(target)
                    )
                })
                .log_target("razem::http"),
        )
}

/// The complete document, as served and as committed in `openapi/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = routes_app().split_for_parts();
    // utoipa-actix-web merges paths after the modifiers ran; run them on the whole.
    crate::openapi::SecuritySchemes.modify(&mut doc);
    crate::openapi::TokenScopes.modify(&mut doc);
    crate::idempotency::openapi::Documented.modify(&mut doc);
    crate::webhooks::openapi::Documented.modify(&mut doc);
    crate::export::Documented.modify(&mut doc);
    crate::http::conditional::Documented.modify(&mut doc);
    crate::openapi::CommonErrors.modify(&mut doc);
    doc
}

/// The document as pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let mut json = document()
        .to_pretty_json()
        .unwrap_or_else(|_| "{}".to_owned());
    json.push('\n');
    json
}
