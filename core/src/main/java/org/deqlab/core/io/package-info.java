/**
 * Problems from files: NumPy/PyTorch {@code .npz} archives read and written without Python, and the
 * MLP problems they describe.
 */
package org.deqlab.core.io;
