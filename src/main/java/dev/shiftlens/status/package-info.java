/** {@code GET /v1/status} and {@code GET /health}: counts, and the state of each store. */
package dev.shiftlens.status;
