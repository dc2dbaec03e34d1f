//! Hostile input at the inbox: unsigned, badly signed, tampered, oversized, deeply nested and
//! malformed requests get a clear 4xx and change nothing; duplicates are ignored.
