//! Gives the shared library a versioned soname on Linux (`libautosend.so.0`).
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libautosend.so.0");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
