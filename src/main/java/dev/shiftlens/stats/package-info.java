/**
 * Pure statistics: exact tests of event rates, empirical-Bayes shrinkage, always-valid intervals,
 * false-discovery control and change points. Plain numbers and records in, result records out; no
 * I/O, no framework, no state, so every class is safe on any thread, event loops included.
 *
 * <p>Only {@code java.*} and Commons Math 3 may be imported here ({@code StatsPurityTest} enforces
 * it), so that the formulas can be read, tested and moved without the server around them. Each
 * formula is written in the doc comment of the method that computes it; the numbers the tests check
 * come from the project's statistics reference.
 *
 * <p>Too little data is an answer, not an error: an empty comparison gives a p-value of 1 and an
 * interval that covers everything. Exceptions are kept for arguments no caller should pass
 * (negative counts, probabilities outside [0, 1]).
 */
package dev.shiftlens.stats;
