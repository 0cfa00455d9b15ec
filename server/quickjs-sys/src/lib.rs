//! The registry's `rquickjs-sys` 0.14.0 (QuickJS, quickjs-ng 0.16.2), built by `build.rs` from the
//! package itself with the debugger hook of [`debug`] inserted into the interpreter.
#![allow(non_upper_case_globals)]
#![allow(non_camel_case_types)]
#![allow(non_snake_case)]
#![allow(clippy::all)]
#![allow(unsafe_op_in_unsafe_fn)]
#![no_std]

// Upstream's `src/lib.rs` (bindings and inline helpers), as copied by the build script.
include!(concat!(env!("OUT_DIR"), "/upstream/body.rs"));

/// The debugger hook added to the engine (`patch/debug.c`). All of it is off until
/// [`debug::JS_SetDebugHooks`] installs hooks on a runtime; without them the interpreter pays one
/// null test per opcode.
pub mod debug {
    use super::{JSContext, JSRuntime, JSValue};
    use core::ffi::{c_char, c_int, c_void};

    /// Mirrors `JSDebugHooks` in `patch/debug.c`.
    #[repr(C)]
    pub struct JSDebugHooks {
        /// At a stop point with a breakpoint, or at any stop point while `*stepping != 0`.
        /// Returns 0 to go on, -1 to throw the context's pending exception.
        pub on_stop: unsafe extern "C" fn(ctx: *mut JSContext, opaque: *mut c_void, at_breakpoint: c_int) -> c_int,
        /// `line == 0`: a negative answer means the file has no stop points. Otherwise 1 when
        /// (file, line) holds a breakpoint, else 0.
        pub line_flags: unsafe extern "C" fn(opaque: *mut c_void, file: *const c_char, line: c_int) -> c_int,
        /// While `*stepping != 0`: a bytecode frame leaves the stack (`finished == 0`: it only
        /// suspends at `await` or `yield`).
        pub on_frame_exit: unsafe extern "C" fn(ctx: *mut JSContext, opaque: *mut c_void, frame: usize, finished: c_int),
        /// Read with relaxed atomic loads: another thread may change them at any time.
        pub stepping: *const u32,
        /// Changing it makes every function rebuild its stop points (asking `line_flags`).
        pub epoch: *const u32,
        pub opaque: *mut c_void,
    }

    unsafe extern "C" {
        /// Installs `hooks` (null: off). They must stay valid until replaced.
        pub fn JS_SetDebugHooks(rt: *mut JSRuntime, hooks: *const JSDebugHooks);
        /// Frames on the stack, native ones included.
        pub fn JS_DebugFrameCount(ctx: *mut JSContext) -> c_int;
        /// Identity of the frame at `level` (0 = innermost), stable while it lives (also across
        /// `await`); 0 when there is none.
        pub fn JS_DebugFrameId(ctx: *mut JSContext, level: c_int) -> usize;
        /// `{ name, file, line, column, native, async }`, or undefined.
        pub fn JS_DebugFrameInfo(ctx: *mut JSContext, level: c_int) -> JSValue;
        /// `[name, kind]` (in its temporal dead zone) or `[name, kind, value]` entries: kind 0
        /// argument, 1 function-level variable, 2 block-scoped, 3 closure variable. `closure`
        /// selects closure variables instead of arguments and locals.
        pub fn JS_DebugFrameVariables(ctx: *mut JSContext, level: c_int, closure: c_int) -> JSValue;
        /// Direct eval of `src` (NUL-terminated, `len` bytes) in the frame at `level`.
        pub fn JS_DebugEvalInFrame(ctx: *mut JSContext, level: c_int, src: *const c_char, len: usize) -> JSValue;
    }
}
