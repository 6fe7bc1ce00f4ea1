/**
 * Ingestion over HTTP: bodies streamed and split into records, rows read and validated, events
 * group-committed to ClickHouse (or, while ClickHouse cannot take them, to a durable local spool that
 * is inserted in order once it can), contacts and sends written to PostgreSQL, per-row rejections.
 */
package dev.shiftlens.ingest;
