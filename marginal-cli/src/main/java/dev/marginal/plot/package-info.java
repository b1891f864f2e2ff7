/**
 * Pictures and pages for results: line plots of training curves, density heat maps, scatter plots, image grids
 * and static HTML reports. Takes arrays and writes PNG or HTML files atomically; no maths, and headless AWT only.
 */
package dev.marginal.plot;
