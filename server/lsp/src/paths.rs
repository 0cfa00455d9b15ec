//! `file://` URIs and paths, percent-encoded both ways.

use std::path::{Path, PathBuf};

use tower_lsp_server::ls_types::Uri;

/// The path a `file:` URI names; `None` for other schemes (`untitled:`, `git:` ...).
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let path = uri.to_file_path()?.into_owned();
    path.is_absolute().then_some(path)
}

/// The `file://` URI of an absolute path.
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    if !path.is_absolute() {
        return None;
    }
    Uri::from_file_path(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[cfg(unix)]
    #[test]
    fn percent_encoding_round_trips() {
        let path = Path::new("/srv/my project/プロジェクト/src/[id]/index.ts");
        let uri = path_to_uri(path).unwrap();
        assert_eq!(
            uri.as_str(),
            "file:///srv/my%20project/%E3%83%97%E3%83%AD%E3%82%B8%E3%82%A7%E3%82%AF%E3%83%88/src/%5Bid%5D/index.ts"
        );
        assert_eq!(uri_to_path(&uri).unwrap(), path);
        let from_editor = Uri::from_str("file:///a%20b/c%2Bd.ts").unwrap();
        assert_eq!(uri_to_path(&from_editor).unwrap(), Path::new("/a b/c+d.ts"));
    }

    #[test]
    fn other_schemes_have_no_path() {
        assert_eq!(uri_to_path(&Uri::from_str("untitled:Untitled-1").unwrap()), None);
        assert_eq!(uri_to_path(&Uri::from_str("git:/a/b.ts?ref").unwrap()), None);
        assert!(path_to_uri(Path::new("relative/x.ts")).is_none());
    }
}
