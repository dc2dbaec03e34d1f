//! Moderation end to end (filled below).
