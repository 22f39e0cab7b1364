//! Who is calling: resolved once per request from the `Authorization` header.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use super::jwt::TokenError;
use crate::domain::Role;
use crate::error::ApiError;
use crate::server::AppState;

/// An authenticated person.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub role: Role,
    /// The associations an editor may write for.
    pub associations: Vec<i64>,
}

/// The caller of a request: anonymous or a signed-in person.
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    User(User),
}

impl Principal {
    pub fn user(&self) -> Option<&User> {
        match self {
            Principal::User(user) => Some(user),
            Principal::Anonymous => None,
        }
    }

    /// The actor recorded in the audit log.
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor {
            user_id: self.user().map(|u| u.id),
            token_id: None,
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::unauthorized("invalid_token", "the Authorization header is not readable")
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::unauthorized(
            "invalid_token",
            "the Authorization header must be 'Bearer <token>'",
        )),
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let Some(token) = token? else {
                return Ok(Principal::Anonymous);
            };
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let user_id = state.tokens.verify(&token).map_err(|error| match error {
                TokenError::Expired => ApiError::unauthorized(
                    "token_expired",
                    "the access token has expired; sign in again",
                ),
                TokenError::UnknownKey => ApiError::unauthorized(
                    "invalid_token",
                    "the access token was signed with an unknown key",
                ),
                TokenError::Malformed | TokenError::Invalid => {
                    ApiError::unauthorized("invalid_token", "the access token is not valid")
                }
            })?;
            let user = state
                .db
                .run(move |conn| crate::users::repo::find_active_principal(conn, user_id))
                .await?
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        "invalid_token",
                        "the account of this token is no longer active",
                    )
                })?;
            Ok(Principal::User(user))
        })
    }
}

/// A caller who must be signed in: an anonymous request is answered 401 before its
/// body or the resource it names is looked at.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Principal);

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            match principal.await? {
                Principal::Anonymous => Err(ApiError::unauthorized(
                    "authentication_required",
                    "sign in to do this: send 'Authorization: Bearer <token>'",
                )),
                signed_in => Ok(SignedIn(signed_in)),
            }
        })
    }
}
