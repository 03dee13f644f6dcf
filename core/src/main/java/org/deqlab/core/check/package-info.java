/**
 * Whether a device computes what the CPU computes: {@link org.deqlab.core.check.DeviceCheck} runs a
 * solve, gradients of every cell kind, a few training steps, a Jacobian probe and a memory
 * measurement on the device and compares them with the CPU's float64 results.
 */
package org.deqlab.core.check;
