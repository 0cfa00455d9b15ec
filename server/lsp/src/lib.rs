//! The dols language server.
