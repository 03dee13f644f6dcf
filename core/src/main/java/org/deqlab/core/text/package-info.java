/** Values as text: the labels users type for the engine's enums, parsed and printed by one rule. */
package org.deqlab.core.text;
