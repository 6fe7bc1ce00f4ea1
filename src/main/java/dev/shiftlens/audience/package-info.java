/**
 * Audiences: the contacts that pass property filters (PostgreSQL), behavior filters (event counts in
 * ClickHouse) and shift filters (verdicts of evaluated sends in ClickHouse), in pages.
 */
package dev.shiftlens.audience;
