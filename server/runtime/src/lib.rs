//! The embedded Durable Objects runtime behind `dols test`: TypeScript stripped in place and run
//! on QuickJS (rquickjs), Durable Object namespaces from the wrangler config, and storage in one
//! SQLite database per object. See `docs/runtime.md` for the structure and its decisions.

mod bytecode;
pub mod debugger;
mod digest;
mod engine;
mod fetch;
pub mod ids;
mod project;
mod threads;
pub mod storage;
pub mod strip;
pub mod workerd;

pub use engine::{
    Limits, Output, RunOptions, TestReport, eval_script, run_tests, run_tests_with, run_tests_with_limits,
};
pub use fetch::{HostPattern, parse_host_list};
pub use project::{Binding, Project};
pub use storage::StateLocation;
