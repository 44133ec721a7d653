package org.dubbomesh.interop;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Values as Java holds them, for `hessian-vectors encode`: hessian-lite writes each, the TypeScript
 * test (packages/hessian2/test/java-interop.test.ts) decodes them and compares with its own table of
 * expected values by name. Names are the contract between the two files.
 */
final class JavaCorpus {
    record Vector(String name, Object... values) {}

    private JavaCorpus() {}

    static List<Vector> vectors() {
        List<Vector> v = new ArrayList<>();
        v.add(new Vector("null", (Object) null));
        v.add(new Vector("true", true));
        v.add(new Vector("false", false));
        for (int i : new int[] {0, -16, 47, 48, -17, -2048, 2047, -262144, 262143, 262144, Integer.MAX_VALUE,
                Integer.MIN_VALUE}) {
            v.add(new Vector("int " + i, i));
        }
        for (long l : new long[] {0L, -8L, 15L, 300L, -2048L, 262143L, 262144L, 2147483648L, 9007199254740993L,
                Long.MAX_VALUE, Long.MIN_VALUE}) {
            v.add(new Vector("long " + l, l));
        }
        v.add(new Vector("short -32768", (short) -32768));
        v.add(new Vector("byte -128", (byte) -128));
        v.add(new Vector("char x", 'x'));
        for (double d : new double[] {0.0, 1.0, -128.0, 32767.0, 32768.0, 12.25, 0.1, -0.5, Math.PI, 1e300}) {
            v.add(new Vector("double " + d, d));
        }
        v.add(new Vector("double NaN", Double.NaN));
        v.add(new Vector("double -Infinity", Double.NEGATIVE_INFINITY));
        v.add(new Vector("float 1.1", 1.1f));
        v.add(new Vector("string empty", ""));
        v.add(new Vector("string hello", "hello"));
        v.add(new Vector("string mixed", "a\uD83D\uDE00b\u20ac\u00e9\u4e2d"));
        v.add(new Vector("string 1024", "a".repeat(1024)));
        v.add(new Vector("string 40000 chunked", "x".repeat(40000)));
        v.add(new Vector("string surrogate pair at a chunk boundary", "a".repeat(32767) + "\uD83D\uDE00b"));
        v.add(new Vector("date epoch", new Date(0)));
        v.add(new Vector("date minutes", new Date(1704164640000L)));
        v.add(new Vector("date ms", new Date(1704164645678L)));
        v.add(new Vector("binary 3", (Object) new byte[] {1, 2, 3}));
        byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        v.add(new Vector("binary 5000", (Object) big));
        byte[] huge = new byte[40000];
        for (int i = 0; i < huge.length; i++) huge[i] = (byte) i;
        v.add(new Vector("binary 40000 chunked", (Object) huge));
        v.add(new Vector("ArrayList", new ArrayList<>(List.of(1, "two", 3.5))));
        v.add(new Vector("ArrayList empty", new ArrayList<>()));
        v.add(new Vector("LinkedList", new LinkedList<>(List.of("a", "b"))));
        v.add(new Vector("HashSet", new HashSet<>(List.of(1, 2))));
        v.add(new Vector("int[]", (Object) new int[] {1, 2, 3}));
        v.add(new Vector("long[]", (Object) new long[] {1L, 2L}));
        v.add(new Vector("String[]", (Object) new String[] {"a", "b"}));
        v.add(new Vector("Object[]", (Object) new Object[] {1, "a", null}));
        v.add(new Vector("Item[]", (Object) new Item[] {new Item("x", 1, new BigDecimal("2.50"))}));
        Map<String, Object> hashMap = new HashMap<>();
        hashMap.put("a", 1);
        v.add(new Vector("HashMap", hashMap));
        Map<Integer, String> intKeys = new HashMap<>();
        intKeys.put(1, "fee");
        intKeys.put(16, "fie");
        v.add(new Vector("HashMap int keys", intKeys));
        TreeMap<String, Integer> tree = new TreeMap<>();
        tree.put("a", 1);
        tree.put("b", 2);
        v.add(new Vector("TreeMap", tree));
        Map<String, String> linked = new LinkedHashMap<>();
        linked.put("z", "last?");
        linked.put("a", "first?");
        v.add(new Vector("LinkedHashMap", linked));
        v.add(new Vector("User", DemoCalls.sampleUser("alice")));
        v.add(new Vector("two Users share a class definition", DemoCalls.sampleUser("a"), DemoCalls.sampleUser("b")));
        List<Item> items = new ArrayList<>(List.of(new Item("apple", 3, new BigDecimal("1.25")),
                new Item("pear", 2, new BigDecimal("0.40"))));
        Map<String, String> notes = new LinkedHashMap<>();
        notes.put("gift", "yes");
        v.add(new Vector("Order", DemoOrders.place(DemoCalls.sampleUser("bob"), items, notes)));
        v.add(new Vector("enum OrderStatus.PAID", OrderStatus.PAID));
        v.add(new Vector("enum TimeUnit.SECONDS", TimeUnit.SECONDS));
        v.add(new Vector("BigDecimal 1234.5600", new BigDecimal("1234.5600")));
        v.add(new Vector("BigDecimal -1E+3", new BigDecimal("-1E+3")));
        v.add(new Vector("BigInteger 1", BigInteger.ONE));
        v.add(new Vector("BigInteger -2^100", BigInteger.TWO.pow(100).negate()));
        v.add(new Vector("LocalDate", LocalDate.of(2024, 1, 31)));
        v.add(new Vector("LocalDateTime", LocalDateTime.of(2024, 1, 31, 12, 30, 15, 123_000_000)));
        v.add(new Vector("Instant", Instant.ofEpochSecond(1700000000L, 5)));
        v.add(new Vector("Duration", Duration.ofSeconds(90, 7)));
        IllegalArgumentException ex = new IllegalArgumentException("bad", new IllegalStateException("root"));
        ex.setStackTrace(new StackTraceElement[] {new StackTraceElement("com.example.Svc", "run", "Svc.java", 42)});
        ex.getCause().setStackTrace(new StackTraceElement[0]);
        v.add(new Vector("exception with cause", ex));
        DemoException demo = new DemoException("demo failure", 42, null);
        demo.setStackTrace(new StackTraceElement[0]);
        v.add(new Vector("DemoException with a field", demo));
        Map<String, Object> shared = new HashMap<>();
        shared.put("x", 1);
        v.add(new Vector("shared map twice in a list", new ArrayList<>(List.of(shared, shared))));
        List<Object> cyclic = new ArrayList<>();
        cyclic.add("head");
        cyclic.add(cyclic);
        v.add(new Vector("list containing itself", cyclic));
        return v;
    }
}
