/**
 * The behavior engine: the scheduler ({@link dev.shiftlens.evaluation.EvaluationVerticle}) claims due
 * sends from PostgreSQL, {@link dev.shiftlens.evaluation.BatchEvaluator} reads their sufficient
 * statistics from ClickHouse, {@link dev.shiftlens.evaluation.SendEvaluator} (pure) computes each
 * send's effects, and the results are stored in both stores and published on the event bus.
 */
package dev.shiftlens.evaluation;
