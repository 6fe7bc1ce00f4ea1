/** Benchmarks run from {@code bench/}: ingestion against ClickHouse's own insert, and the behavior engine at scale. */
package dev.shiftlens.bench;
