/**
 * The {@code marginal} command line: picocli commands that parse options, load data and models, call the library
 * and print or write results. No maths here; errors are one line, with exit code 2 for bad input.
 */
package dev.marginal.cli;
