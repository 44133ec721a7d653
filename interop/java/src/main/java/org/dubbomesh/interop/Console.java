package org.dubbomesh.interop;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The peer's stdout is a protocol (a "listening" line, JSON result lines) read by the TypeScript
 * tests. Libraries occasionally print to System.out, so System.out is pointed at stderr and only
 * this class writes to the real stdout.
 */
final class Console {
    private static final PrintStream STDOUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    private Console() {}

    /** Must run before any library is loaded, i.e. first thing in main. */
    static void divertSystemOut() {
        System.setOut(System.err);
    }

    static synchronized void line(String text) {
        STDOUT.println(text);
        STDOUT.flush();
    }

    static void log(String text) {
        System.err.println("[java-peer] " + text);
    }
}
