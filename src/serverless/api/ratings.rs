//! Ratings: `PUT /{name}/rating` `{rating, comment}`, `DELETE /{name}/rating`, and
//! `GET /{name}/rating` for the package's count and average.
//!
//! Ratings are what accounts think of a package, kept in the database; they are not package
//! metadata, so they stay out of the index and the static site (which must be the same for
//! the same index and blobs).

use std::sync::Arc;

use axum::{
    Json,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    api::{
        App,
        answers::Changed,
        auth::Authed,
        error::{ApiError, ErrorBody},
        extract::parse_json,
        files,
        limits::client_ip,
        openapi::{AuthRefusals, BodyRefusals, JsonRefusals},
    },
    db::{audit, ratings},
    serverless::package::PackageName,
};

/// The routes of this group.
pub fn routes() -> OpenApiRouter<Arc<App>> {
    OpenApiRouter::new().routes(files::api_only(routes!(rate, unrate, summary)))
}

/// `PUT /{name}/rating` body.
#[derive(Debug, Deserialize, ToSchema)]
struct RatingRequest {
    /// A whole number from 1 to 5.
    #[schema(required = true, value_type = i64, minimum = 1, maximum = 5)]
    rating: Option<f64>,
    /// What the account thinks, at most 2000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    comment: String,
}

/// `GET /{name}/rating` answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct RatingSummary {
    /// Package name, as asked.
    pub name: String,
    /// How many accounts rated it.
    pub count: i64,
    /// Their mean rating; `null` when nobody rated it.
    pub average: Option<f64>,
}

/// The canonical name of a package that exists (has a live version), else 404.
fn existing(
    app: &App,
    path: Result<Path<String>, PathRejection>,
) -> Result<(String, String), ApiError> {
    let not_found = || ApiError::not_found("Package not found");
    let Path(name) = path.map_err(|_| not_found())?;
    let canonical = PackageName::parse(&name)
        .map_err(|_| not_found())?
        .canonical();
    if app
        .catalog
        .contains(crate::serverless::NAME, &canonical, |n| n.replace('_', "-"))
    {
        Ok((name, canonical))
    } else {
        Err(not_found())
    }
}

/// Rates a package (again: a new rating replaces the account's last).
#[utoipa::path(
    put,
    path = "/{name}/rating",
    tag = "ratings",
    params(("name" = String, Path, description = "Package name")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    request_body(content = RatingRequest, content_type = "application/json"),
    responses(
        AuthRefusals,
        JsonRefusals,
        (status = 200, description = "Rated", body = Changed),
        (status = 400, description = "The rating or comment is invalid", body = ErrorBody),
        (status = 404, description = "No such package", body = ErrorBody),
    ),
)]
async fn rate(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: Authed,
) -> Result<Json<Changed>, ApiError> {
    let (name, canonical) = existing(&app, path)?;
    let request: RatingRequest = parse_json(&authed.parts.headers, &authed.body)?;
    // A float, because JSON does not tell `4` from `4.0` and neither does the schema's
    // "integer".
    let rating = request
        .rating
        .filter(|r| r.fract() == 0.0 && (1.0..=5.0).contains(r))
        // Exact: a whole number from 1 to 5.
        .map(|r| r as u8)
        .ok_or_else(|| ApiError::bad_request("rating must be a whole number from 1 to 5"))?;
    // Characters, as the schema's maxLength counts them.
    if request.comment.chars().count() > 2000 {
        return Err(ApiError::bad_request(
            "comment is longer than 2000 characters",
        ));
    }
    let (user, ip, now) = (
        authed.caller.user,
        client_ip(&authed.parts),
        app.now().unix_timestamp(),
    );
    let target = name.clone();
    app.db
        .run(move |c| {
            ratings::set(c, &canonical, user.id, rating, &request.comment, now)?;
            audit::record(
                c,
                now,
                Some(&user),
                "rate",
                &target,
                &json!({ "rating": rating }),
                &ip,
            )
        })
        .await?;
    Ok(Json(Changed {
        message: format!("Rated {name} {rating}/5"),
    }))
}

/// Takes the account's rating back.
#[utoipa::path(
    delete,
    path = "/{name}/rating",
    tag = "ratings",
    params(("name" = String, Path, description = "Package name")),
    security(
        ("bearer" = []),
        ("apiKey" = [], "timestamp" = [], "nonce" = [], "signature" = []),
    ),
    responses(
        AuthRefusals,
        BodyRefusals,
        (status = 204, description = "Removed"),
        (status = 404, description = "No such package, or not rated by you", body = ErrorBody),
    ),
)]
async fn unrate(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: Authed,
) -> Result<StatusCode, ApiError> {
    let (_, canonical) = existing(&app, path)?;
    let user_id = authed.caller.user.id;
    let removed = app
        .db
        .run(move |c| ratings::remove(c, &canonical, user_id))
        .await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("You have not rated this package"))
    }
}

/// How many accounts rated a package, and their mean rating.
#[utoipa::path(
    get,
    path = "/{name}/rating",
    tag = "ratings",
    params(("name" = String, Path, description = "Package name")),
    responses(
        (status = 200, description = "The summary", body = RatingSummary),
        (status = 404, description = "No such package", body = ErrorBody),
    ),
)]
async fn summary(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<RatingSummary>, ApiError> {
    let (name, canonical) = existing(&app, path)?;
    let summary = app.db.run(move |c| ratings::summary(c, &canonical)).await?;
    Ok(Json(RatingSummary {
        name,
        count: summary.count,
        average: summary.average,
    }))
}
