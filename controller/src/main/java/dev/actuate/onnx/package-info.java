/** ONNX import (plain-Java, allocation-free evaluation of MLP policy graphs) and export of Actuate policies, on the JDK alone. */
package dev.actuate.onnx;
