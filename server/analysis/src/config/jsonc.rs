use super::WranglerConfig;

pub(super) fn parse(_text: &str) -> WranglerConfig {
    WranglerConfig::default()
}
