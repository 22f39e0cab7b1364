use actix_web::{HttpRequest, HttpResponse, post, web};

use super::dto::{LoginRequest, RefreshRequest, TokenResponse};
use super::password;
use super::repo::{self, Rotation};
use crate::error::{ApiError, ApiResult, Code};
use crate::extract::Json;
use crate::http::AppState;

/// Access and refresh token for a person, as the body of a 200.
async fn session(state: &AppState, user_id: i64, refresh_token: String) -> ApiResult<HttpResponse> {
    let access_token = state.tokens.issue(user_id).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: state.tokens.ttl.as_secs(),
            refresh_token,
            refresh_expires_in: state.config.refresh_token_ttl.as_secs(),
        }))
}

/// Sign in with e-mail and password.
///
/// Returns a short-lived access token and a refresh token. Wrong e-mail and wrong
/// password answer alike; repeated failures for an account or from an address are
/// answered 429 for a minute.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    // Public: no token is needed.
    security(),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, response = crate::http::responses::Unauthorized),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
        (status = 429, response = crate::http::responses::TooManyRequests),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { email, password } = body.0;
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let address_key = format!(
        "address:{}",
        crate::http::client_address(&req, &state.config.trusted_proxies)
    );
    // Counted before the password is looked at, atomically in the database: concurrent
    // guesses (or guesses spread over instances) cannot pass the limit, and a refused one
    // costs no hash. Refunded below if the sign-in succeeds.
    let attempt = state
        .login_attempts
        .count(&state.db, &[&account_key, &address_key])
        .await?;
    let user = state
        .db
        .run({
            let email = email.clone();
            move |conn| super::credentials::find_credentials(conn, &email)
        })
        .await?;
    let known_user = user.as_ref().map(|u| u.id);
    // Every path does the same hash work, so that neither an unknown nor a deactivated
    // account can be told apart by the time of the answer.
    let verified = web::block(move || match user {
        Some(user) => {
            let matches = password::verify(&password, &user.password_hash);
            (matches && user.active).then_some(user.id)
        }
        None => {
            password::verify_dummy(&password);
            None
        }
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(user_id) = verified else {
        log::info!("failed sign-in for {}", crate::domain::mask_email(&email));
        state
            .db
            .transaction(move |conn| repo::record_failed_login(conn, known_user, &email))
            .await?;
        return Err(ApiError::new(
            Code::InvalidCredentials,
            "wrong e-mail or password",
        ));
    };
    state.login_attempts.refund(&state.db, attempt).await?;
    let ttl = state.config.refresh_token_ttl;
    let refresh_token = state
        .db
        .transaction(move |conn| repo::issue(conn, user_id, None, ttl))
        .await?;
    session(&state, user_id, refresh_token).await
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used revokes every
/// token of that sign-in (it was copied), and the person must sign in again.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    // Public: no token is needed.
    security(),
    responses(
        (status = 200, description = "A new pair of tokens", body = TokenResponse),
        (status = 401, response = crate::http::responses::Unauthorized),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let secret = body.0.refresh_token;
    let ttl = state.config.refresh_token_ttl;
    let rotation = state
        .db
        .transaction(move |conn| repo::rotate(conn, &secret, ttl))
        .await?;
    match rotation {
        Rotation::Rotated {
            user_id,
            refresh_token,
        } => {
            let active = state
                .db
                .run(move |conn| super::credentials::find_active_principal(conn, user_id))
                .await?;
            if active.is_none() {
                return Err(ApiError::new(
                    Code::InvalidRefreshToken,
                    "the account is no longer active",
                ));
            }
            session(&state, user_id, refresh_token).await
        }
        Rotation::Reused => Err(ApiError::new(
            Code::RefreshTokenReused,
            "this refresh token was already used; every session token of this sign-in is now revoked",
        )),
    }
}

/// Sign out: the refresh token and every token refreshed from the same sign-in stop working.
///
/// Send the refresh token in the body; no access token is needed. Access tokens already
/// issued stay valid until they expire (`RAZEM_ACCESS_TOKEN_TTL`, 15 minutes by default). The answer is 204 whether or not the
/// token was known, so it tells nothing about other people's tokens.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    // Public: no token is needed.
    security(),
    responses(
        (status = 204, description = "Signed out (also for a token that was not known)"),
        (status = 422, response = crate::http::responses::UnprocessableEntity),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let secret = body.0.refresh_token;
    state
        .db
        .transaction(move |conn| repo::logout(conn, &secret))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
