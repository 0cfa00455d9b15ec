//! Links the `dols` binary as a position-dependent executable on Linux. A position-independent
//! one carries about 24,000 relative relocations that the dynamic loader applies at every start
//! (writing, and so copying, some 100 pages of pointers): a measurable part of `dols test`'s
//! cold start (see docs/performance.md). The objects stay position-independent; only the final
//! link fixes the addresses.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
