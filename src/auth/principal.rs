//! Who is calling: resolved once per request from the `Authorization` header, which
//! carries either a person's access token (JWT) or a partner's API token (`rzm_…`).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use crate::domain::{Role, Scope};
use crate::error::{ApiError, Code};
use crate::http::AppState;
use crate::jwt::TokenError;

/// An authenticated person.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub role: Role,
    /// The organizations (of any kind) an editor may write for.
    pub associations: Vec<i64>,
}

/// A partner organization's API token.
#[derive(Debug, Clone)]
pub struct PartnerToken {
    pub id: i64,
    pub organization_id: i64,
    pub scopes: Vec<Scope>,
}

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    User(User),
    Token(PartnerToken),
}

impl Principal {
    /// The actor recorded in the audit log.
    pub fn actor(&self) -> crate::write::Actor {
        match self {
            Principal::Anonymous => crate::write::Actor::default(),
            Principal::User(user) => crate::write::Actor {
                user_id: Some(user.id),
                token_id: None,
            },
            Principal::Token(token) => crate::write::Actor {
                user_id: None,
                token_id: Some(token.id),
            },
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        ApiError::new(
            Code::InvalidToken,
            "the Authorization header is not readable",
        )
    })?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(ApiError::new(
            Code::InvalidToken,
            "the Authorization header must be 'Bearer <token>'",
        )),
    }
}

async fn partner_token(state: &AppState, secret: String) -> Result<Principal, ApiError> {
    let token = state
        .db
        .run(move |conn| super::credentials::authenticate_token(conn, &secret))
        .await?
        .ok_or_else(|| {
            ApiError::new(
                Code::InvalidToken,
                "the API token is unknown, revoked or expired",
            )
        })?;
    if let Some(retry_after) = state.token_requests.hit(&token.id.to_string()) {
        return Err(ApiError::too_many_requests(retry_after));
    }
    Ok(Principal::Token(token))
}

async fn person(state: &AppState, jwt: &str) -> Result<Principal, ApiError> {
    let user_id = state.tokens.verify(jwt).map_err(|error| match error {
        TokenError::Expired => ApiError::new(
            Code::TokenExpired,
            "the access token has expired; refresh it or sign in again",
        ),
        TokenError::UnknownKey => ApiError::new(
            Code::InvalidToken,
            "the access token was signed with an unknown key",
        ),
        TokenError::Malformed | TokenError::Invalid => {
            ApiError::new(Code::InvalidToken, "the access token is not valid")
        }
    })?;
    let user = state
        .db
        .run(move |conn| super::credentials::find_active_principal(conn, user_id))
        .await?
        .ok_or_else(|| {
            ApiError::new(
                Code::InvalidToken,
                "the account of this token is no longer active",
            )
        })?;
    Ok(Principal::User(user))
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
            if token.starts_with(super::credentials::TOKEN_PREFIX) {
                partner_token(&state, token).await
            } else {
                person(&state, &token).await
            }
        })
    }
}

/// A caller who must be signed in (a person or a partner token): an anonymous
/// request is answered 401 before its body or the resource it names is looked at.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Principal);

impl FromRequest for SignedIn {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let principal = Principal::from_request(req, payload);
        Box::pin(async move {
            match principal.await? {
                Principal::Anonymous => Err(ApiError::new(
                    Code::AuthenticationRequired,
                    "sign in to do this: send 'Authorization: Bearer <token>'",
                )),
                signed_in => Ok(SignedIn(signed_in)),
            }
        })
    }
}
