//! Ratings: `PUT /{name}/rating` `{rating, comment}`, `DELETE /{name}/rating`, and
//! `GET /{name}/rating` for the package's count and average.
//!
//! Ratings are what accounts think of a package, kept in the database; they are not package
//! metadata, so they stay out of the index and the static site (which must be the same for
//! the same index and blobs).

use std::sync::Arc;

use axum::{
    Json, Router,
    extract::{Path, State, rejection::PathRejection},
    http::StatusCode,
    routing::put,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{App, auth::Authed, error::ApiError, extract::parse_json, files, limits::client_ip};
use crate::{
    db::{audit, ratings},
    package::PackageName,
};

/// The routes of this group.
pub fn routes() -> Router<Arc<App>> {
    Router::new().route(
        "/{name}/rating",
        put(rate).delete(unrate).get(summary).fallback(files::serve),
    )
}

#[derive(Debug, Deserialize)]
struct RatingRequest {
    rating: Option<i64>,
    #[serde(default)]
    comment: String,
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
    if app.catalog.contains_canonical(&canonical) {
        Ok((name, canonical))
    } else {
        Err(not_found())
    }
}

async fn rate(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
    authed: Authed,
) -> Result<Json<Value>, ApiError> {
    let (name, canonical) = existing(&app, path)?;
    let request: RatingRequest = parse_json(&authed.parts.headers, &authed.body)?;
    let rating = request
        .rating
        .and_then(|r| u8::try_from(r).ok())
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| ApiError::bad_request("rating must be a whole number from 1 to 5"))?;
    if request.comment.len() > 2000 {
        return Err(ApiError::bad_request("comment is longer than 2000 bytes"));
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
    Ok(Json(
        json!({ "message": format!("Rated {name} {rating}/5") }),
    ))
}

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

async fn summary(
    State(app): State<Arc<App>>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let (name, canonical) = existing(&app, path)?;
    let summary = app.db.run(move |c| ratings::summary(c, &canonical)).await?;
    Ok(Json(
        json!({ "name": name, "count": summary.count, "average": summary.average }),
    ))
}
