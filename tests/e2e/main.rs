//! The one end-to-end test binary: nodes federating for real over loopback.
// Tests fail loudly on unexpected errors: unwrap is the point here.
#![allow(clippy::unwrap_used)]
mod account_move;
mod account_archive;
mod admin_federation_policy;
mod admin_moderation;
mod admin_registration;
mod api_accounts;
mod api_basics;
mod api_client;
mod api_contract;
mod api_instance;
mod api_misc;
mod api_server_gaps;
mod api_status_features;
mod api_statuses;
mod api_timelines;
mod counters;
mod crash;
mod delivery_fairness;
mod federation;
mod fixtures;
mod harness;
mod images;
mod oauth;
mod pln_circles;
mod pln_collections;
mod pln_documents;
mod pln_institutions;
mod pln_mentorship;
mod pln_part7;
mod pln_resources;
mod pln_search;
mod pln_shared;
mod remote_media;
mod security;
mod web_browser;
mod web_community;
mod web_forms;

mod web_admin;
mod web_pages;
mod web_pln;
mod web_settings;
