/** Neural-network building blocks on the autodiff tape: activations and multilayer perceptrons. */
package dev.marginal.nn;
