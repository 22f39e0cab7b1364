use actix_web::{HttpResponse, get, post, web};

use super::dto::{LoginRequest, Me, TokenResponse};
use super::{SignedIn, password, policy};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::server::AppState;

/// Sign in with e-mail and password.
///
/// Returns a short-lived access token. Wrong e-mail and wrong password answer alike.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, response = crate::openapi::Unauthorized),
        (status = 422, response = crate::openapi::UnprocessableEntity),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    let user = state
        .db
        .run({
            let email = email.clone();
            move |conn| crate::users::repo::find_credentials(conn, &email)
        })
        .await?;
    let verified = web::block(move || match user {
        Some(user) if user.active && password::verify(&password, &user.password_hash) => {
            Some(user.id)
        }
        Some(_) => None,
        None => {
            password::verify_dummy(&password);
            None
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(user_id) = verified else {
        log::info!(
            "failed sign-in for {}",
            crate::users::dto::mask_email(&email)
        );
        return Err(ApiError::unauthorized(
            "invalid_credentials",
            "wrong e-mail or password",
        ));
    };
    let access_token = state.tokens.issue(user_id).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: state.tokens.ttl.as_secs(),
        }))
}

/// The signed-in person, with the associations they may write for.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person", body = Me),
        (status = 401, response = crate::openapi::Unauthorized),
    )
)]
#[get("/me")]
pub async fn me(
    state: web::Data<AppState>,
    SignedIn(principal): SignedIn,
) -> ApiResult<web::Json<Me>> {
    policy::require_signed_in(&principal)?;
    let user_id = principal.user().map(|u| u.id).unwrap_or_default();
    let user = state
        .db
        .run(move |conn| crate::users::repo::find_with_associations(conn, user_id))
        .await?;
    Ok(web::Json(Me {
        id: user.user.id,
        email: user.user.email,
        name: user.user.name,
        role: user.role,
        associations: user.associations,
    }))
}
