/**
 * Training loops for the two jobs (density estimation and reverse-KL sampling), with checkpoints, resumption, run
 * records and progress display.
 */
package dev.marginal.train;
