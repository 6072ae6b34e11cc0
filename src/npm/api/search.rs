//! `npm search`: `GET /-/v1/search?text=…&size=…&from=…`, answered from the in-memory
//! catalog (ranked as `GET /search` ranks: exact name, prefix, substring, then description
//! and keywords), npm packages only.

use std::sync::Arc;

use axum::Json;
use serde::Serialize;

use crate::{
    api::{App, error::ApiError},
    npm::NAME,
    site::docs::SearchEntry,
};

/// Most results one search answers.
const MAX_SIZE: usize = 250;

/// The answer of `npm search`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmSearchAnswer)]
pub struct SearchAnswer {
    /// The results, best first.
    pub objects: Vec<SearchObject>,
    /// How many packages matched in all.
    pub total: usize,
    /// When the search ran.
    pub time: String,
}

/// One result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmSearchObject)]
pub struct SearchObject {
    /// The package.
    pub package: SearchPackage,
    /// npm's score: a constant here (the rank orders the results).
    pub score: Score,
    /// The same, as npm reads it.
    #[serde(rename = "searchScore")]
    pub search_score: f64,
}

/// A result's package.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmSearchPackage)]
pub struct SearchPackage {
    /// Its name.
    pub name: String,
    /// Its latest version.
    pub version: String,
    /// Its description.
    pub description: String,
    /// Its keywords.
    pub keywords: Vec<String>,
    /// When it last changed.
    pub date: String,
    /// Links (none kept).
    pub links: Links,
    /// Who published it (npm prints it; not kept in the catalog).
    pub publisher: Username,
    /// Its maintainers (npm prints them; not kept in the catalog).
    pub maintainers: Vec<Username>,
}

/// Links of a result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmLinks)]
pub struct Links {}

/// An account, as npm's search names one.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
#[schema(as = NpmUsername)]
pub struct Username {
    /// The account name.
    pub username: String,
    /// Its e-mail address.
    pub email: String,
}

/// A result's score.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmScore)]
pub struct Score {
    /// The overall score.
    #[serde(rename = "final")]
    pub total: f64,
    /// Its parts.
    pub detail: ScoreDetail,
}

/// A score's parts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = NpmScoreDetail)]
pub struct ScoreDetail {
    /// Quality.
    pub quality: f64,
    /// Popularity.
    pub popularity: f64,
    /// Maintenance.
    pub maintenance: f64,
}

/// Runs a search for `text`, `size` results from `from`.
///
/// # Errors
/// 400 without a search text.
pub fn search(
    app: &Arc<App>,
    text: &str,
    size: usize,
    from: usize,
) -> Result<Json<SearchAnswer>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::bad_request("Search text is required"));
    }
    let size = size.clamp(1, MAX_SIZE);
    let (total, hits) = app.catalog.read_in(NAME, |entries| {
        let mut hits: Vec<(u8, &SearchEntry)> = entries
            .filter(|e| e.latest.is_some())
            .filter_map(|e| e.score(text).map(|rank| (rank, e)))
            .collect();
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
        let total = hits.len();
        let page: Vec<SearchObject> = hits
            .into_iter()
            .skip(from)
            .take(size)
            .map(|(rank, e)| object(e, rank))
            .collect();
        (total, page)
    });
    Ok(Json(SearchAnswer {
        objects: hits,
        total,
        time: crate::clock::rfc3339(app.now()),
    }))
}

fn object(entry: &SearchEntry, rank: u8) -> SearchObject {
    let score = 1.0 / (f64::from(rank) + 1.0);
    SearchObject {
        package: SearchPackage {
            name: entry.name.clone(),
            version: entry.latest.clone().unwrap_or_default(),
            description: entry.description.clone(),
            keywords: entry.tags.clone(),
            date: entry.updated.clone(),
            links: Links {},
            publisher: (entry.people.first()).map_or_else(Username::default, |(name, email)| {
                Username {
                    username: name.clone(),
                    email: email.clone(),
                }
            }),
            maintainers: (entry.people.iter())
                .map(|(name, email)| Username {
                    username: name.clone(),
                    email: email.clone(),
                })
                .collect(),
        },
        score: Score {
            total: score,
            detail: ScoreDetail {
                quality: score,
                popularity: score,
                maintenance: score,
            },
        },
        search_score: score,
    }
}
