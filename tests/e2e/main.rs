//! The one end-to-end test binary: nodes federating for real over loopback.
mod federation;
mod fixtures;
mod harness;
mod security;
