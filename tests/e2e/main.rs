//! The one end-to-end test binary: nodes federating for real over loopback.
mod crash;
mod federation;
mod fixtures;
mod harness;
mod security;
