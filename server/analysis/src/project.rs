//! Worker projects: a wrangler config and the sources under its directory.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::File;

#[derive(Clone, Debug, Default)]
pub struct Projects {}

impl Projects {
    pub fn build(_files: &BTreeMap<PathBuf, File>) -> Self {
        Projects {}
    }
}
