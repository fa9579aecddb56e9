//! Initializers hook into the app lifecycle; none are needed yet.
