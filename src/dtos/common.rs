//! What scaffolded controllers (`cargo loco generate scaffold`) import from
//! `crate::dtos::common`: the error body they answer a missing row with and
//! the page they answer a list with. Hand-written resources use `errors` and
//! `views::envelope` instead; `middleware::envelope` rewrites a scaffold's
//! error responses into the contract's envelope anyway.
use loco_rs::model::query::PageResponse;
use serde::{Deserialize, Serialize};

/// The body of a scaffolded handler's error response.
#[derive(Debug, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub details: Option<serde_json::Value>,
}

/// One page of a scaffolded list: the rows as DTOs and where the page lies.
#[derive(Debug, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub page_size: u64,
    pub total_pages: u64,
    pub total_items: u64,
}

impl<T> Page<T> {
    /// Turns Loco's `query::paginate` result (entity models) into DTOs.
    pub fn from_query<M>(res: PageResponse<M>) -> Self
    where
        T: From<M>,
    {
        Self {
            items: res.page.into_iter().map(T::from).collect(),
            page: res.meta.page,
            page_size: res.meta.page_size,
            total_pages: res.meta.total_pages,
            total_items: res.meta.total_items,
        }
    }
}
