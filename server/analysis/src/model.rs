//! The per-file model: classes, interfaces, imports and exports of one module, read from its
//! syntax tree once per change.

use std::path::Path;

use tree_sitter::Tree;

#[derive(Clone, Debug, Default)]
pub struct FileModel {}

impl FileModel {
    pub fn build(_path: &Path, _text: &str, _tree: &Tree) -> Self {
        FileModel {}
    }
}
