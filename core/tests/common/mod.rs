//! Helpers shared by the core's integration tests (`mod common;` in each test file that uses
//! them; a folder, so cargo does not build it as a test of its own).

use autosend::{
    private_limiter, ApiResponse, Call, ClientConfig, Error, Poll, RateLimits, Request,
};
use serde_json::Value;

/// One attempt of `id` under `cfg`, with a limiter of its own and seed 1: polled at 0 (it must
/// send), answered at 1 with `status`, `headers` and `body`, polled at 1 (it must finish).
/// Returns the call, the request it sent and its outcome.
pub fn one_attempt(
    cfg: &ClientConfig,
    id: &str,
    params: Value,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (Call, Request, Result<ApiResponse, Error>) {
    let mut call = Call::new(cfg, private_limiter(RateLimits::default()), id, params, 1).unwrap();
    let req = match call.poll(0) {
        Poll::Send(req) => req,
        other => panic!("{other:?}"),
    };
    let h: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    call.handle_response(1, status, &h, body);
    match call.poll(1) {
        Poll::Done(r) => (call, req, r),
        other => panic!("{other:?}"),
    }
}
