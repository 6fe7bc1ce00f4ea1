/**
 * The built-in web dashboard at {@code /dashboard}: static files (from the top-level
 * {@code dashboards/web/} folder, packaged into the jar) and uPlot from its webjar, served without a
 * key. The page reads the public query API of the same server with the key its user enters.
 */
package dev.shiftlens.dashboard;
