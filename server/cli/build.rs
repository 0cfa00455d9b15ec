//! Link settings of the `dols` binary on Linux with glibc, both for the cold start of
//! `dols test` (see docs/performance.md):
//!
//! - Position-dependent (`-no-pie`). A position-independent executable carries about 24,000
//!   relative relocations that the dynamic loader applies at every start (writing, and so
//!   copying, some 100 pages of pointers). The objects stay position-independent; only the
//!   final link fixes the addresses.
//! - The unwinder linked in statically (`libgcc_eh.a`) instead of loading `libgcc_s.so.1`. That
//!   library's constructor identifies the processor with ten `cpuid` instructions, which a
//!   virtual machine traps (about 5 µs each here), and loading it costs a mapping, relocations
//!   and page faults; Rust needs only its unwinding functions, which the static archive has.
//!   The linker drops `libgcc_s` when nothing is left for it to provide (`--as-needed`). Without
//!   the archive (another compiler driver), the link stays as it was.
//! - The functions a `dols test` run executes placed together at the start of the code
//!   (`startup-order.txt`, given to the linker as a symbol ordering file). The kernel maps the
//!   binary's code 64 KiB at a time as it is first executed; spread over the 10 MB of code (the
//!   language server, the checker, the engine, SQLite) the 1.4 MB that a run executes cost about
//!   80 such page faults, packed together about 40. Only with LLD, Rust's default linker for
//!   this target (a linker named in the configuration or the flags may not know the option);
//!   names the build does not have are skipped, so a stale list costs speed, never the build.
//!   `startup-order.sh` writes the list again.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    println!("cargo:rerun-if-changed=startup-order.txt");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "linux" || env != "gnu" {
        return;
    }
    println!("cargo:rustc-link-arg-bins=-no-pie");
    if let Some(dir) = static_unwinder_dir() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static=gcc_eh");
    }
    if default_linker() {
        let list = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"))
            .join("startup-order.txt");
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}", list.display());
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether the binary is linked by Rust's own LLD: the target's default, unless the
/// configuration names a linker (cargo passes it to build scripts as `RUSTC_LINKER`) or the
/// flags change the linker or its features.
fn default_linker() -> bool {
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    let target = std::env::var("TARGET").unwrap_or_default();
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    target == "x86_64-unknown-linux-gnu"
        && std::env::var_os("RUSTC_LINKER").is_none()
        && !flags.contains("link")
}

/// The directory of the C compiler's `libgcc_eh.a`, if it has one.
fn static_unwinder_dir() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(cc).arg("-print-file-name=libgcc_eh.a").output().ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // Without the file the driver prints the bare name back.
    if !out.status.success() || !path.is_absolute() || !path.is_file() {
        return None;
    }
    Some(path.parent()?.to_path_buf())
}
