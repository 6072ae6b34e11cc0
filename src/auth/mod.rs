//! Credentials, as pure values: password hashes, bearer tokens and API-key secrets, the
//! scopes that narrow what a credential may do, and signed requests ([`signature`]: the HMAC
//! the server checks and the client signs with, and the nonce memory).
//!
//! Nothing here touches the database, the network or the clock: [`crate::db`] stores what
//! these functions produce, and [`crate::api`] decides who is calling and what they may do.
//! Secrets are wrapped in [`token::Secret`] so that logging one by accident prints nothing.

pub mod account;
pub mod password;
pub mod scope;
pub mod signature;
pub mod token;

pub use scope::{Action, ScopeError, Scopes};
pub use token::Secret;
