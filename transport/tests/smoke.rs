//! Every endpoint once through the typed blocking methods (the test is generated from the API
//! description by tools/codegen/gen_rust.py into smoke/generated.rs).

mod common;

#[rustfmt::skip]
#[path = "smoke/generated.rs"]
mod generated;
