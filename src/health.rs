//! Liveness (the process answers) and readiness (the database answers).

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiResult;
use crate::http::AppState;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok` when answered with 200.
    pub status: &'static str,
}

/// The process is up.
///
/// Answers 200 as long as the process serves HTTP, without touching the database: for a
/// liveness probe.
#[utoipa::path(
    tag = "health",
    security(),
    responses((status = 200, description = "Alive", body = Health))
)]
#[get("/health/live")]
pub async fn live() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// The database is reachable (503 otherwise).
///
/// Runs a trivial query on a pooled connection: for a readiness probe or a load balancer's
/// health check.
#[utoipa::path(
    tag = "health",
    security(),
    responses(
        (status = 200, description = "Ready to serve", body = Health),
        (status = 503, response = crate::http::responses::ServiceUnavailable),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> ApiResult<web::Json<Health>> {
    state.db.ping().await?;
    Ok(web::Json(Health { status: "ok" }))
}

pub fn routes(config: &mut ServiceConfig) {
    config.service(live).service(ready);
}
