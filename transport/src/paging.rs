//! Auto-pagination and chunked bulk writes over the core's [`Pager`] and [`Chunker`]: the
//! core decides which page comes next, when a list ends and what a chunk's outcome means;
//! this module only loops. Every page and every chunk is an ordinary call (limiter, retries).
//!
//! ```no_run
//! # fn main() -> Result<(), autosend::Error> {
//! use serde_json::json;
//! let client = autosend_http::blocking::Client::new(
//!     autosend::ClientOptions::new("AS_yourkey"),
//!     autosend_http::TlsOptions::default(),
//! )?;
//! let mut campaigns = client.paginate("campaigns.list", json!({"status": "draft"}))?;
//! for campaign in campaigns.by_ref() {
//!     match campaign {
//!         Ok(c) => println!("{}", c["name"]),
//!         Err(e) => eprintln!("stopped: {e}"),
//!     }
//! }
//! if let Some(page) = campaigns.failed_page() {
//!     // Resume later with autosend::Pager::starting_at or `"page": page` in the params.
//!     eprintln!("resume at page {page}");
//! }
//! let report = client.bulk_all(
//!     "contacts.bulkUpdate",
//!     json!({"contacts": [{"email": "ada@example.com"}]}),
//!     |p| eprintln!("{}/{} chunks", p.chunks_done, p.chunks_total),
//! )?;
//! assert!(report.all_accepted());
//! # Ok(()) }
//! ```

use autosend::chunk::{Progress, Report};
use autosend::{ApiResponse, Chunker, Error, PageInfo, Pager};
use futures_core::Stream;
use serde_json::Value;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

// ------------------------------------------------------------------------------------------
// blocking

/// The items of a paged list, fetched page by page as the iterator advances (blocking).
///
/// Yields `Ok(item)`s; a failed page request yields one `Err` and ends the iteration, with
/// [`Pages::failed_page`] telling where to resume.
#[cfg(feature = "blocking")]
pub struct Pages<'a> {
    client: &'a crate::blocking::Client,
    pager: Pager,
    buf: VecDeque<Value>,
    failed: Option<u64>,
}

#[cfg(feature = "blocking")]
impl std::fmt::Debug for Pages<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("pager", &self.pager.describe())
            .field("buffered", &self.buf.len())
            .field("failed_page", &self.failed)
            .finish()
    }
}

#[cfg(feature = "blocking")]
impl Pages<'_> {
    /// The page whose request failed (resume there), if one did.
    pub fn failed_page(&self) -> Option<u64> {
        self.failed
    }

    /// The core pager (next page, pages and items so far, latest total).
    pub fn pager(&self) -> &Pager {
        &self.pager
    }

    /// Fetches the next whole page (its items and metadata) instead of single items; items
    /// already buffered by the item iterator are not repeated here. `None` when the list is
    /// exhausted or a page failed before.
    pub fn next_page(&mut self) -> Option<Result<PageInfo, Error>> {
        if self.failed.is_some() {
            return None;
        }
        let params = self.pager.next_params()?;
        let r = self
            .client
            .call(self.pager.endpoint().id, params)
            .and_then(|resp| self.pager.handle_page(&resp.data));
        if r.is_err() {
            self.failed = self.pager.page();
        }
        Some(r)
    }
}

#[cfg(feature = "blocking")]
impl Iterator for Pages<'_> {
    type Item = Result<Value, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(v) = self.buf.pop_front() {
                return Some(Ok(v));
            }
            match self.next_page()? {
                Ok(page) => self.buf.extend(page.items),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

#[cfg(feature = "blocking")]
impl crate::blocking::Client {
    /// Iterates over every item of the paged list `endpoint_id` (`campaigns.list`,
    /// `contactLists.searchContacts`, …) with `params` as filters; `"page": n` in the params
    /// starts (resumes) at page n. A non-paged endpoint is a `validation` error here.
    pub fn paginate(&self, endpoint_id: &str, params: Value) -> Result<Pages<'_>, Error> {
        Ok(Pages {
            client: self,
            pager: Pager::new(endpoint_id, params)?,
            buf: VecDeque::new(),
            failed: None,
        })
    }

    /// Sends a bulk write of any size (`emails.bulk` recipients, `contacts.bulkUpdate`
    /// contacts, `contactLists.bulkAdd` emails or contactIds) in chunks the API accepts, one
    /// call per chunk, calling `progress` after each. Returns the per-chunk and per-item
    /// report (see `autosend::chunk` for the policy: a chunk with an unknown outcome is never
    /// re-sent and the next chunks go on). `Err` only for usage errors (nothing sent).
    pub fn bulk_all(
        &self,
        endpoint_id: &str,
        params: Value,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Report, Error> {
        let mut chunker = Chunker::new(endpoint_id, params)?;
        while let Some((i, p)) = chunker.next_chunk() {
            let r = self.call(endpoint_id, p);
            chunker.record(i, r)?;
            progress(&chunker.progress());
        }
        Ok(chunker.report())
    }
}

// ------------------------------------------------------------------------------------------
// async

type CallFuture = Pin<Box<dyn Future<Output = Result<ApiResponse, Error>> + Send>>;

/// The items of a paged list as a [`Stream`] (async client). Yields `Ok(item)`s; a failed
/// page request yields one `Err` and ends the stream, with [`PageStream::failed_page`] telling
/// where to resume.
pub struct PageStream {
    client: crate::Client,
    pager: Pager,
    buf: VecDeque<Value>,
    inflight: Option<CallFuture>,
    failed: Option<u64>,
}

impl std::fmt::Debug for PageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("pager", &self.pager.describe())
            .field("buffered", &self.buf.len())
            .field("in_flight", &self.inflight.is_some())
            .field("failed_page", &self.failed)
            .finish()
    }
}

impl PageStream {
    /// The page whose request failed (resume there), if one did.
    pub fn failed_page(&self) -> Option<u64> {
        self.failed
    }

    /// The core pager.
    pub fn pager(&self) -> &Pager {
        &self.pager
    }
}

impl Stream for PageStream {
    type Item = Result<Value, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(v) = this.buf.pop_front() {
                return Poll::Ready(Some(Ok(v)));
            }
            if this.failed.is_some() {
                return Poll::Ready(None);
            }
            if this.inflight.is_none() {
                let Some(params) = this.pager.next_params() else {
                    return Poll::Ready(None);
                };
                let client = this.client.clone();
                let id = this.pager.endpoint().id;
                this.inflight = Some(Box::pin(async move { client.call(id, params).await }));
            }
            let fut = this.inflight.as_mut().expect("set above");
            let r = match fut.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(r) => r,
            };
            this.inflight = None;
            match r.and_then(|resp| this.pager.handle_page(&resp.data)) {
                Ok(page) => this.buf.extend(page.items),
                Err(e) => {
                    this.failed = this.pager.page();
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

impl crate::Client {
    /// A [`Stream`] over every item of the paged list `endpoint_id`; see the blocking
    /// client's `paginate`.
    pub fn paginate(&self, endpoint_id: &str, params: Value) -> Result<PageStream, Error> {
        Ok(PageStream {
            client: self.clone(),
            pager: Pager::new(endpoint_id, params)?,
            buf: VecDeque::new(),
            inflight: None,
            failed: None,
        })
    }

    /// Sends a bulk write of any size in chunks; see the blocking client's `bulk_all`.
    pub async fn bulk_all(
        &self,
        endpoint_id: &str,
        params: Value,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Report, Error> {
        let mut chunker = Chunker::new(endpoint_id, params)?;
        while let Some((i, p)) = chunker.next_chunk() {
            let r = self.call(endpoint_id, p).await;
            chunker.record(i, r)?;
            progress(&chunker.progress());
        }
        Ok(chunker.report())
    }
}
