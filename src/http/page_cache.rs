//! Rendered public list pages, kept per instance: the body bytes, their `ETag` and the
//! next cursor, by the normalized list request (`pagination::Listing::cache_key`).
//!
//! An entry is never trusted on its own: it records the generation of its read-model
//! kind (`read_generations`, raised in the transaction of every write that changes that
//! kind's documents, `read_model::flush`) that the database held before the page was
//! read, and a request serves it only while the database still holds the same value
//! (one primary-key lookup, on every request). So a write on any instance sharing the
//! database makes every instance's pages of that kind stale at its commit. Only lists
//! whose pages cannot change without a write are cached (no time-dependent rendering,
//! no caller-dependent rows), and only pages made wholly of stored documents.
//!
//! Bounded by bytes (`RAZEM_PAGE_CACHE_KB`), least recently used first out.

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::web::Bytes;

/// What a cached page answers: the JSON body, its entity tag and the next page's cursor.
#[derive(Debug, Clone)]
pub struct RenderedPage {
    pub body: Bytes,
    pub etag: actix_web::http::header::EntityTag,
    pub next_cursor: Option<String>,
}

/// Which page: the read-model kind whose generation validates it, and the list request
/// (the list's name, its parsed filters, sort, cursor and page size) as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub kind: &'static str,
    pub request: String,
}

struct Entry {
    generation: i64,
    page: RenderedPage,
    /// When it was last served ([`Inner::clock`]), for the eviction.
    used: u64,
}

impl Entry {
    /// What it costs to keep, roughly: the bytes it holds and a fixed overhead.
    fn cost(key: &PageKey, page: &RenderedPage) -> usize {
        key.request.len() + page.body.len() + page.next_cursor.as_ref().map_or(0, String::len) + 128
    }
}

#[derive(Default)]
struct Inner {
    entries: HashMap<PageKey, Entry>,
    bytes: usize,
    clock: u64,
}

/// The cache of one instance (in `AppState`).
pub struct PageCache {
    budget: usize,
    inner: Mutex<Inner>,
}

impl PageCache {
    /// A cache holding at most `budget` bytes (0: nothing is kept).
    pub fn new(budget: usize) -> Self {
        PageCache {
            budget,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave an entry half-written (every change
        // is one insert or remove), so a poisoned cache is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The page under `key` if it was built at `generation`, the database's now. An
    /// entry of another generation is dropped (generations only grow).
    pub fn get(&self, key: &PageKey, generation: i64) -> Option<RenderedPage> {
        let mut inner = self.lock();
        inner.clock += 1;
        let clock = inner.clock;
        match inner.entries.get_mut(key) {
            Some(entry) if entry.generation == generation => {
                entry.used = clock;
                Some(entry.page.clone())
            }
            Some(_) => {
                inner.remove(key);
                None
            }
            None => None,
        }
    }

    /// Keeps `page`, read after the database held `generation`, unless an entry of a
    /// later generation is there already; evicts the least recently served pages to stay
    /// within the budget (a page larger than a quarter of it is not kept).
    pub fn put(&self, key: PageKey, generation: i64, page: RenderedPage) {
        let cost = Entry::cost(&key, &page);
        if cost > self.budget / 4 {
            return;
        }
        let mut inner = self.lock();
        if inner
            .entries
            .get(&key)
            .is_some_and(|entry| entry.generation > generation)
        {
            return;
        }
        inner.remove(&key);
        while inner.bytes + cost > self.budget {
            let Some(oldest) = inner
                .entries
                .iter()
                .min_by_key(|(_, entry)| entry.used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            inner.remove(&oldest);
        }
        inner.clock += 1;
        let used = inner.clock;
        inner.bytes += cost;
        inner.entries.insert(
            key,
            Entry {
                generation,
                page,
                used,
            },
        );
    }
}

impl Inner {
    fn remove(&mut self, key: &PageKey) {
        if let Some(entry) = self.entries.remove(key) {
            self.bytes -= Entry::cost(key, &entry.page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(size: usize) -> RenderedPage {
        RenderedPage {
            body: Bytes::from(vec![b' '; size]),
            etag: actix_web::http::header::EntityTag::new_strong("t".to_owned()),
            next_cursor: None,
        }
    }

    fn key(name: &str) -> PageKey {
        PageKey {
            kind: "position",
            request: name.to_owned(),
        }
    }

    #[test]
    fn serves_only_its_generation_and_keeps_the_newest() {
        let cache = PageCache::new(10_000);
        cache.put(key("a"), 3, page(10));
        assert!(cache.get(&key("a"), 3).is_some());
        assert!(cache.get(&key("a"), 4).is_none());
        // The stale entry went with that miss.
        assert!(cache.get(&key("a"), 3).is_none());
        cache.put(key("a"), 5, page(10));
        cache.put(key("a"), 4, page(10));
        assert!(cache.get(&key("a"), 5).is_some());
    }

    #[test]
    fn evicts_the_least_recently_served_within_its_budget() {
        let cache = PageCache::new(4 * (1000 + 1 + 128));
        cache.put(key("a"), 1, page(1000));
        cache.put(key("b"), 1, page(1000));
        cache.put(key("c"), 1, page(1000));
        assert!(cache.get(&key("a"), 1).is_some());
        cache.put(key("d"), 1, page(1000));
        cache.put(key("e"), 1, page(1000));
        assert!(cache.get(&key("a"), 1).is_some());
        assert!(cache.get(&key("b"), 1).is_none());
        assert!(cache.lock().bytes <= cache.budget);
        // Too large for the budget: not kept.
        cache.put(key("f"), 1, page(5000));
        assert!(cache.get(&key("f"), 1).is_none());
    }
}
