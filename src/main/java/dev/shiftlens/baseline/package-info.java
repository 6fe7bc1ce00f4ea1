/**
 * A contact's normal behavior: hourly event counts as read from the store ({@link
 * dev.shiftlens.baseline.ContactHistory}), the population's hour-of-week profile that turns clock
 * time into exposure ({@link dev.shiftlens.baseline.HourOfWeekProfile}), the baseline before a send
 * with earlier response windows left out ({@link dev.shiftlens.baseline.Baseline}), and the
 * population model, profile plus empirical-Bayes priors ({@link dev.shiftlens.baseline.PopulationModel}).
 * Pure: no I/O, any thread.
 */
package dev.shiftlens.baseline;
