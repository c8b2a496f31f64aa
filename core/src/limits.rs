//! Limits the native transports and bindings enforce, and the errors they report, defined
//! once here so no binding writes its own number (`docs/contract.md`: limits).

use crate::error::{Error, ErrorKind};

/// The largest answer body a transport reads: 50 MiB. A larger answer is discarded while it
/// streams (never buffered whole) and the call fails with [`response_too_large`].
pub const MAX_RESPONSE_BYTES: usize = 50 * 1024 * 1024;

/// The largest CA file (`ca_file`) a binding reads: 1 MiB; a longer (or endless) file is an
/// `invalid_config` error naming `ca_file` ([`ca_file_error`]).
pub const MAX_CA_FILE_BYTES: usize = 1024 * 1024;

/// The default overall deadline of one call, in ms, when the options give none: 90 s, enough
/// for one full minute window of the rate limiter (60 s) plus one attempt of the default
/// timeout (30 s). A call never runs longer than this (or than its per-attempt timeout, if
/// that is longer: see [`default_deadline_ms`]), retries and rate-limit waits included; pass
/// `deadline_ms` to choose another bound.
pub const DEFAULT_DEADLINE_MS: u64 = 90_000;

/// How often a blocking wait (rate limiter, retry backoff, server answer) gives the host a
/// chance to handle a signal such as Ctrl-C, in ms.
pub const INTERRUPT_CHECK_MS: u64 = 100;

/// The deadline a client gets when its options set none: [`DEFAULT_DEADLINE_MS`], or the
/// per-attempt timeout when that is longer (one attempt always gets its whole timeout).
pub fn default_deadline_ms(timeout_ms: u64) -> u64 {
    DEFAULT_DEADLINE_MS.max(timeout_ms)
}

/// The connect timeout (TCP connection and TLS handshake) for a per-attempt timeout: nine
/// tenths of it, so a handshake that never finishes is reported as `connect` (nothing was
/// sent; safe to retry) before the attempt's own timeout, which would have to say the request
/// may have been delivered.
pub fn connect_timeout_ms(timeout_ms: u64) -> u64 {
    (timeout_ms / 10 * 9 + timeout_ms % 10 * 9 / 10).max(1)
}

/// The error for an answer larger than [`MAX_RESPONSE_BYTES`] (`invalid_response`), built by
/// [`crate::Call::handle_oversized_response`]. The request reached the server and was
/// answered, so a write may have been acted on (`may_have_been_delivered`).
pub fn response_too_large(status: u16, may_have_been_delivered: bool) -> Error {
    let next = if may_have_been_delivered {
        "the request may have been processed: check (for a send, the sent mail) before sending \
         again"
    } else {
        "check base_url and any proxy in between"
    };
    Error::new(
        ErrorKind::InvalidResponse,
        format!(
            "the answer (HTTP {status}) is larger than {} MB ({MAX_RESPONSE_BYTES} bytes), the \
             most this SDK reads, and was discarded; {next}",
            MAX_RESPONSE_BYTES / (1024 * 1024)
        ),
    )
    .with_status(status)
    .with_may_have_been_delivered(may_have_been_delivered)
}

/// The error for a CA file that cannot be used (`invalid_config`, field `ca_file`).
pub fn ca_file_error(message: impl std::fmt::Display) -> Error {
    let mut e = Error::new(ErrorKind::InvalidConfig, format!("ca_file: {message}"));
    e.set_field("ca_file");
    e
}

/// The error for a call interrupted by the host (Ctrl-C) after its answer had arrived: the
/// request was processed (`may_have_been_delivered`), the answer is attached by the binding.
pub fn interrupted_after_answer(status: u16) -> Error {
    Error::new(
        ErrorKind::Aborted,
        "the call was interrupted after the server had answered; the request was processed",
    )
    .with_status(status)
    .with_may_have_been_delivered(true)
}

/// The largest number of ms a time argument given in seconds may stand for: 2^53 (every
/// language represents it exactly; about 285,000 years).
pub const MAX_SECONDS_ARG_MS: u64 = 1 << 53;

/// Converts a time argument given in (fractional) seconds, such as a webhook's `now` or
/// `tolerance`, to whole ms. NaN, infinities, negative values and values beyond
/// [`MAX_SECONDS_ARG_MS`] are a `validation` error naming `field`.
pub fn seconds_arg_ms(field: &str, seconds: f64) -> Result<u64, Error> {
    let ms = seconds * 1000.0;
    if !ms.is_finite() || ms < 0.0 || ms.round() > MAX_SECONDS_ARG_MS as f64 {
        return Err(Error::validation(
            field,
            format!(
                "must be a finite number of seconds from 0 to {} (got {seconds})",
                MAX_SECONDS_ARG_MS / 1000
            ),
        ));
    }
    Ok(ms.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_timeout_is_shorter_than_the_attempt() {
        assert_eq!(connect_timeout_ms(30_000), 27_000);
        assert_eq!(connect_timeout_ms(1_500), 1_350);
        assert_eq!(connect_timeout_ms(1), 1);
        assert!(connect_timeout_ms(u64::MAX) < u64::MAX);
    }

    #[test]
    fn default_deadline_covers_one_attempt() {
        assert_eq!(default_deadline_ms(30_000), DEFAULT_DEADLINE_MS);
        assert_eq!(default_deadline_ms(200_000), 200_000);
    }

    #[test]
    fn errors_are_typed() {
        let e = response_too_large(200, true);
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        assert!(e.may_have_been_delivered());
        assert!(e.to_string().contains("before sending again"), "{e}");
        assert_eq!(e.status(), Some(200));
        let e = response_too_large(200, false);
        assert!(!e.may_have_been_delivered());
        assert!(e.to_string().contains("base_url"), "{e}");
        let e = ca_file_error("too big");
        assert_eq!(e.kind(), ErrorKind::InvalidConfig);
        assert_eq!(e.field(), Some("ca_file"));
        assert!(interrupted_after_answer(200).may_have_been_delivered());
    }

    #[test]
    fn seconds_arguments_are_checked() {
        assert_eq!(seconds_arg_ms("now", 1.5).unwrap(), 1500);
        assert_eq!(seconds_arg_ms("now", 0.0).unwrap(), 0);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 1e30] {
            let e = seconds_arg_ms("tolerance", bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Validation);
            assert_eq!(e.field(), Some("tolerance"));
        }
    }
}
