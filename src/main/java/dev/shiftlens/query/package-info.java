/**
 * Reads for dashboards: {@code GET /v1/metrics/sends}, the lift of groups of sends with always-valid
 * intervals, computed from sufficient statistics that ClickHouse sums over the stored effects
 * ({@link dev.shiftlens.query.MetricsApi}), and the per-message settings it checks the holdout split
 * against ({@code PUT /v1/messages/{message_id}}, {@code GET /v1/messages}).
 */
package dev.shiftlens.query;
