//! Receiver typing: which Durable Objects API type an expression has.
