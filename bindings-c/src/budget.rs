//! The shared budget on Redis, seen from C: reading a reply of the core's scripts (what the
//! native client does after each `EVAL`; exposed for the conformance vectors and for C hosts
//! that run the scripts on a Redis connection of their own).

use crate::util::{need_out, str_in, write_out};
use crate::{autosend_result, ffi_result};

/// What a budget reply means (`autosend_budget_interpret`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct autosend_budget_decision {
    /// 1: granted (send now; `grant_id` settles or refunds it), 2: wait `wait_ms`,
    /// 3: acknowledged (settle / refund / block).
    pub kind: u32,
    /// For kind 2: no slot for this many ms.
    pub wait_ms: u64,
    /// For kind 1: the grant id, NUL-terminated (at most 64 bytes).
    pub grant_id: [u8; 65],
}

/// Reads the reply (`reply_json`: the Redis reply as JSON — integers as numbers, strings as
/// strings, arrays as arrays, nil as null) of the budget operation `op` (`acquire`, `settle`,
/// `refund`, `block`). An unexpected reply returns `AUTOSEND_RESULT_BUDGET_STORE` (fall back
/// to the process-local budget, or fail the call); a bad `op` or JSON
/// `AUTOSEND_RESULT_INVALID_PARAMETER`.
#[no_mangle]
pub unsafe extern "C" fn autosend_budget_interpret(
    op: *const u8,
    op_len: usize,
    reply_json: *const u8,
    reply_len: usize,
    out: *mut autosend_budget_decision,
) -> autosend_result {
    ffi_result!({
        // SAFETY: `op` is NULL or readable for `op_len` bytes (contract).
        let op = unsafe { str_in(op, op_len) }?;
        // SAFETY: `reply_json` is NULL or readable for `reply_len` bytes (contract).
        let reply = unsafe { str_in(reply_json, reply_len) }?;
        need_out(out)?;
        let kind = autosend::BudgetOpKind::from_name(op)
            .ok_or(autosend_result::AUTOSEND_RESULT_INVALID_PARAMETER)?;
        let v: serde_json::Value = serde_json::from_str(reply)
            .map_err(|_| autosend_result::AUTOSEND_RESULT_INVALID_PARAMETER)?;
        let mut d = autosend_budget_decision {
            kind: 3,
            wait_ms: 0,
            grant_id: [0; 65],
        };
        if kind == autosend::BudgetOpKind::Acquire {
            match autosend::budget_redis::interpret_acquire(&v)
                .map_err(|e| autosend_result::from_kind(e.kind()))?
            {
                autosend::budget_redis::BudgetDecision::Go(id) => {
                    d.kind = 1;
                    let n = id.len().min(64);
                    d.grant_id[..n].copy_from_slice(&id.as_bytes()[..n]);
                }
                autosend::budget_redis::BudgetDecision::Wait(ms) => {
                    d.kind = 2;
                    d.wait_ms = ms;
                }
            }
        } else {
            autosend::budget_redis::interpret_ack(&v)
                .map_err(|e| autosend_result::from_kind(e.kind()))?;
        }
        // SAFETY: checked non-null; writable by contract.
        unsafe { write_out(out, d) }
    })
}
