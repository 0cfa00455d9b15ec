//! Finds worker projects on disk and loads their files into an [`Analysis`].
