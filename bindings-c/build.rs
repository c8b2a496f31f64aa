//! Gives the shared library a versioned soname on Linux (`libautosend.so.<major>`, today
//! `libautosend.so.0`); install.sh installs it as `libautosend.so.<version>` with the
//! `.so.<major>` and `.so` links.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libautosend.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
