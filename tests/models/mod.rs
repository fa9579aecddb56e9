//! Model tests written by `cargo loco generate model|scaffold`, which appends
//! one `mod <plural>;` line here per model.
