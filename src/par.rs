//! Ordered parallel map over a slice on scoped threads: documents are
//! independent, so loading and printing use every core and keep order.

/// Map `f` over `items` on up to `jobs` threads; results in input order.
/// A chunk whose thread panicked yields `on_panic()` once, so the other
/// documents' results are kept.
pub fn map<T, R, F, P>(items: &[T], jobs: usize, f: F, on_panic: P) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
    P: Fn() -> R,
{
    let jobs = jobs.clamp(1, items.len().max(1));
    if jobs == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(jobs);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|_| vec![on_panic()]))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_on_any_number_of_threads() {
        let items: Vec<u32> = (0..103).collect();
        for jobs in [0, 1, 2, 7, 200] {
            let out = super::map(&items, jobs, |x| x * 2, || u32::MAX);
            assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
