//! The one end-to-end test binary: nodes federating for real over loopback.
// Tests fail loudly on unexpected errors: unwrap is the point here.
#![allow(clippy::unwrap_used)]
mod crash;
mod federation;
mod fixtures;
mod harness;
mod security;
