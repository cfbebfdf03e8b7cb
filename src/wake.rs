//! How background work tells the window it has news.

use std::sync::Arc;

/// Called after a result is sent, so an idle window repaints to show it.
pub type Wake = Arc<dyn Fn() + Send + Sync>;
