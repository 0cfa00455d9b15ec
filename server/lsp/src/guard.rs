//! Running analysis work so that a panic becomes an error response instead of a dead server.

use std::any::Any;
use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use tower_lsp_server::jsonrpc::{Error, ErrorCode};

/// The message of a panic payload (`panic!("...")` carries a `&str` or a `String`).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Runs `f`, turning a panic into its message.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| panic_message(p.as_ref()))
}

pub fn internal_error(message: String) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: Cow::Owned(message),
        data: None,
    }
}

/// Runs `f` on the blocking pool (analysis work is CPU-bound) with panics caught; a panic
/// becomes an `InternalError` response carrying the panic message.
pub async fn compute<T, F>(what: &'static str, f: F) -> tower_lsp_server::jsonrpc::Result<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match tokio::task::spawn_blocking(move || catch(f)).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(msg)) => Err(internal_error(format!("{what} panicked: {msg}"))),
        Err(join) => Err(internal_error(format!("{what} did not finish: {join}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_an_internal_error_with_its_message() {
        let err = compute("textDocument/hover", || -> u32 { panic!("index {} out of range", 7) })
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InternalError);
        assert_eq!(err.message, "textDocument/hover panicked: index 7 out of range");
        assert_eq!(compute("x", || 42).await.unwrap(), 42);
    }

    #[test]
    fn catch_reports_static_and_formatted_messages() {
        assert_eq!(catch(|| panic!("static")), Err::<(), _>("static".to_string()));
        assert_eq!(
            catch(|| std::panic::panic_any(5u8)),
            Err::<(), _>("a panic without a message".to_string())
        );
    }
}
