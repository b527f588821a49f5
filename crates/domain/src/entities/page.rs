//! Pagination of timelines: numbered pages (the tutorial's `?page=N`) and keyset cursors
//! (`?before=<post id>`, `?after=<post id>`), so that any page costs one index range scan.

use super::PostId;

/// Where a page starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagePosition {
    /// The 1-based page number (`?page=N`): the rows after `(N - 1) × per_page` others.
    Number(u32),
    /// The posts just older than this one (the "Older posts" link).
    Before(PostId),
    /// The posts just newer than this one (the "Newer posts" link), still listed newest
    /// first.
    After(PostId),
}

/// Which page of a list to show, and how many items it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    position: PagePosition,
    per_page: u32,
}

impl PageRequest {
    /// How many items a numbered page may skip. Skipping costs a scan of every skipped row
    /// (`OFFSET`), so deeper numbered pages are refused before any query is made; the
    /// cursor links reach every depth at the cost of the first page.
    pub const MAX_OFFSET: u64 = 10_000;

    /// Numbered page `page` (below 1 becomes 1); `per_page` is at least 1.
    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            position: PagePosition::Number(page.max(1)),
            per_page: per_page.max(1),
        }
    }

    /// The page of posts just older than `post` (`per_page` at least 1).
    pub fn before(post: PostId, per_page: u32) -> Self {
        Self {
            position: PagePosition::Before(post),
            per_page: per_page.max(1),
        }
    }

    /// The page of posts just newer than `post` (`per_page` at least 1).
    pub fn after(post: PostId, per_page: u32) -> Self {
        Self {
            position: PagePosition::After(post),
            per_page: per_page.max(1),
        }
    }

    /// The same position with another page size.
    pub fn at(position: PagePosition, per_page: u32) -> Self {
        match position {
            PagePosition::Number(page) => Self::new(page, per_page),
            PagePosition::Before(post) => Self::before(post, per_page),
            PagePosition::After(post) => Self::after(post, per_page),
        }
    }

    /// Where the page starts.
    pub fn position(&self) -> PagePosition {
        self.position
    }

    /// The page number of a numbered request; `None` for a cursor.
    pub fn number(&self) -> Option<u32> {
        match self.position {
            PagePosition::Number(page) => Some(page),
            PagePosition::Before(_) | PagePosition::After(_) => None,
        }
    }

    /// Items per page.
    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// How many items precede this page: `(N - 1) × per_page` for page N, 0 for a cursor
    /// (which says where to start instead).
    pub fn offset(&self) -> u64 {
        self.number()
            .map_or(0, |page| u64::from(page - 1) * u64::from(self.per_page))
    }

    /// Whether the request can be answered with one bounded scan: every cursor can, a
    /// numbered page only while it skips at most [`Self::MAX_OFFSET`] items.
    pub fn within_reach(&self) -> bool {
        self.offset() <= Self::MAX_OFFSET
    }

    /// Whether a numbered page, with the one item after it that says whether another page
    /// follows, lies within the first `items` items of its list; every cursor does.
    pub fn within_first(&self, items: u64) -> bool {
        self.number().is_none() || self.offset().saturating_add(u64::from(self.per_page)) < items
    }
}

/// One page of a list, newest first, with whether there are neighbours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where this page was asked to start.
    pub position: PagePosition,
    pub per_page: u32,
    /// Whether older items follow ("Older posts").
    pub has_next: bool,
    /// Whether newer items precede ("Newer posts").
    pub has_prev: bool,
}

impl<T> Page<T> {
    /// Builds a page from a look-ahead fetch of up to `per_page + 1` rows in the order of
    /// the request: newest first for a number or [`PagePosition::Before`], oldest first for
    /// [`PagePosition::After`] (the rows are then turned newest first). The extra row, if
    /// present, only says that another page exists in the direction of the fetch.
    pub fn from_lookahead(request: PageRequest, mut rows: Vec<T>) -> Self {
        let per_page = request.per_page() as usize;
        let more = rows.len() > per_page;
        rows.truncate(per_page);
        let (has_next, has_prev) = match request.position() {
            PagePosition::Number(page) => (more, page > 1),
            PagePosition::Before(_) => (more, true),
            PagePosition::After(_) => {
                rows.reverse();
                (true, more)
            }
        };
        Self {
            items: rows,
            position: request.position(),
            per_page: request.per_page(),
            has_next,
            has_prev,
        }
    }

    /// A page with nothing on it, for a request answered without a query.
    pub fn empty(request: PageRequest) -> Self {
        Self::from_lookahead(request, Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_request_floors_and_offsets() {
        assert_eq!(PageRequest::new(0, 25).number(), Some(1));
        assert_eq!(PageRequest::new(3, 25).offset(), 50);
        assert_eq!(PageRequest::new(u32::MAX, 25).number(), Some(u32::MAX));
        assert_eq!(PageRequest::new(1, 0).per_page(), 1);
        assert_eq!(PageRequest::before(PostId(9), 25).offset(), 0);
        assert_eq!(PageRequest::after(PostId(9), 25).number(), None);
    }

    #[test]
    fn only_shallow_numbered_pages_and_every_cursor_are_within_reach() {
        assert!(PageRequest::new(401, 25).within_reach(), "offset 10,000");
        assert!(!PageRequest::new(402, 25).within_reach(), "offset 10,025");
        assert!(!PageRequest::new(u32::MAX, 100).within_reach());
        assert!(PageRequest::before(PostId(1), 100).within_reach());
        assert!(PageRequest::after(PostId(i64::MAX), 100).within_reach());
    }

    #[test]
    fn a_numbered_page_and_its_lookahead_must_lie_within_the_first_items() {
        assert!(
            PageRequest::new(31, 25).within_first(800),
            "items 751 to 776"
        );
        assert!(
            !PageRequest::new(32, 25).within_first(800),
            "the look-ahead is item 801"
        );
        assert!(PageRequest::new(1, 25).within_first(26));
        assert!(!PageRequest::new(1, 25).within_first(25));
        assert!(!PageRequest::new(u32::MAX, 100).within_first(800));
        assert!(
            PageRequest::before(PostId(1), 25).within_first(0),
            "cursors always are"
        );
    }

    #[test]
    fn lookahead_row_sets_has_next_and_is_dropped() {
        let full = Page::from_lookahead(PageRequest::new(2, 2), vec![1, 2, 3]);
        assert_eq!(
            (full.items, full.has_next, full.has_prev),
            (vec![1, 2], true, true)
        );
        let last = Page::from_lookahead(PageRequest::new(1, 2), vec![1, 2]);
        assert_eq!(
            (last.items, last.has_next, last.has_prev),
            (vec![1, 2], false, false)
        );
        let older = Page::from_lookahead(PageRequest::before(PostId(5), 2), vec![4, 3]);
        assert_eq!(
            (older.items, older.has_next, older.has_prev),
            (vec![4, 3], false, true)
        );
    }

    #[test]
    fn an_after_page_is_turned_newest_first_and_its_lookahead_means_newer() {
        let newer = Page::from_lookahead(PageRequest::after(PostId(1), 2), vec![2, 3, 4]);
        assert_eq!(
            (newer.items, newer.has_next, newer.has_prev),
            (vec![3, 2], true, true)
        );
        let top = Page::from_lookahead(PageRequest::after(PostId(1), 2), vec![2, 3]);
        assert_eq!(
            (top.items, top.has_next, top.has_prev),
            (vec![3, 2], true, false)
        );
    }
}
