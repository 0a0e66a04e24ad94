//! Ordered parallel map over a slice on scoped threads: documents are
//! independent, so loading and printing use every core and keep order.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Map `f` over `items` on up to `jobs` threads; results in input order.
/// Threads take the next item as they finish one (documents differ in
/// length, so fixed chunks could leave a core idle at the end). An item
/// whose `f` panicked yields `on_panic(item)` (which can name the
/// document), so there is exactly one result per item and the other
/// documents' results are kept.
pub fn map<T, R, F, P>(items: &[T], jobs: usize, f: F, on_panic: P) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
    P: Fn(&T) -> R,
{
    let run = |item: &T| std::panic::catch_unwind(AssertUnwindSafe(|| f(item))).ok();
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        return items
            .iter()
            .map(|item| run(item).unwrap_or_else(|| on_panic(item)))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return done;
                        };
                        done.push((i, run(item)));
                    }
                })
            })
            .collect();
        for h in handles {
            // Each item's panic is caught in `run`; a thread itself does
            // not panic, and its items would fall back below if it did.
            for (i, r) in h.join().unwrap_or_default() {
                if let Some(slot) = slots.get_mut(i) {
                    *slot = r;
                }
            }
        }
    });
    slots
        .into_iter()
        .zip(items)
        .map(|(r, item)| r.unwrap_or_else(|| on_panic(item)))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_on_any_number_of_threads() {
        let items: Vec<u32> = (0..103).collect();
        for jobs in [0, 1, 2, 7, 200] {
            let out = super::map(&items, jobs, |x| x * 2, |_| u32::MAX);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_panic_costs_only_its_own_item() {
        let items: Vec<u32> = (0..20).collect();
        for jobs in [1, 2, 3] {
            let out = super::map(
                &items,
                jobs,
                |x| {
                    assert!(*x != 7, "boom");
                    *x
                },
                |x| u32::MAX - x,
            );
            assert_eq!(out.len(), 20);
            assert_eq!(out[7], u32::MAX - 7, "the fallback knows its item");
            assert_eq!(out[8], 8);
        }
    }
}
