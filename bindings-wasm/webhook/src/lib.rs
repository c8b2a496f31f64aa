//! The webhook part of the `autosend` core alone, as a small WebAssembly module: the npm
//! subpath `autosend-sdk/webhook` loads this instead of the whole SDK's wasm. Its exports are
//! those of `autosend-wasm-webhook-exports`, the same the SDK's wasm links.

pub use autosend_wasm_webhook_exports::*;
