/**
 * Ingestion over HTTP: bodies streamed and split into records, rows read and validated, events
 * group-committed to ClickHouse, contacts and sends written to PostgreSQL, per-row rejections.
 */
package dev.shiftlens.ingest;
