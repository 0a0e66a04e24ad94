//! A generator of realistic pilot plans, for benchmarks and load tests.
