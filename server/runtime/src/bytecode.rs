//! Scripts compiled to QuickJS bytecode and run from it. The build script compiles the
//! prelude and its on-demand web part with this module (`build.rs` includes it by path), so a
//! run only reads bytecode instead of parsing about 1,300 lines of JavaScript, which was most
//! of the start-up time.
//! Bytecode is tied to the QuickJS version: the build script and the runtime use the same
//! `rquickjs` from the lockfile.

use std::ffi::CString;

use rquickjs::{Ctx, qjs};

/// Compiles `source` as a global script named `name` and returns its bytecode (with line
/// numbers, so stack traces into it keep their positions).
#[cfg_attr(not(test), allow(dead_code))] // used by the build script and the tests
pub fn compile_script(ctx: &Ctx<'_>, source: &str, name: &str) -> Result<Vec<u8>, String> {
    let src = CString::new(source).map_err(|e| e.to_string())?;
    let file = CString::new(name).map_err(|e| e.to_string())?;
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`; QuickJS needs the source NUL-terminated
    // (CString) and does not keep the pointers; every value obtained is freed exactly once.
    unsafe {
        let func = qjs::JS_Eval(
            raw,
            src.as_ptr(),
            source.len() as _,
            file.as_ptr(),
            (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as _,
        );
        if qjs::JS_IsException(func) {
            let e = ctx.catch();
            return Err(format!("{name} does not compile: {e:?}"));
        }
        let mut len: qjs::size_t = 0;
        let flags = qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE;
        let buf = qjs::JS_WriteObject(raw, &mut len, func, flags as _);
        qjs::JS_FreeValue(raw, func);
        if buf.is_null() {
            return Err(format!("{name}: bytecode could not be written"));
        }
        let bytes = std::slice::from_raw_parts(buf, len as usize).to_vec();
        qjs::js_free(raw, buf.cast());
        Ok(bytes)
    }
}

/// Runs a script compiled by [`compile_script`] with the same QuickJS and returns its
/// completion value. An exception thrown by the script is left pending in `ctx` and reported as
/// [`rquickjs::Error::Exception`].
#[allow(dead_code)] // the build script includes this module only to compile
pub fn run_script<'js>(ctx: &Ctx<'js>, bytecode: &[u8]) -> rquickjs::Result<rquickjs::Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `bytecode` was written by `compile_script` with the same QuickJS build (the build
    // script and the runtime link the same `rquickjs`), so reading it back is valid; the
    // function object is consumed by JS_EvalFunction, and its owned result is handed to a
    // `Value` of this context, which frees it.
    unsafe {
        let func = qjs::JS_ReadObject(
            raw,
            bytecode.as_ptr(),
            bytecode.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as _,
        );
        if qjs::JS_IsException(func) {
            return Err(rquickjs::Error::Exception);
        }
        let result = qjs::JS_EvalFunction(raw, func);
        if qjs::JS_IsException(result) {
            return Err(rquickjs::Error::Exception);
        }
        Ok(rquickjs::Value::from_raw(ctx.clone(), result))
    }
}
