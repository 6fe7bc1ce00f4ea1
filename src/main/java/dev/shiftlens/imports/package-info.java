/**
 * The {@code import} command: bulk import of a CSV or NDJSON file of contacts, events or sends through a running
 * server's ingestion API, in chunks, with retries, progress on standard error and a file of the rejected rows.
 */
package dev.shiftlens.imports;
