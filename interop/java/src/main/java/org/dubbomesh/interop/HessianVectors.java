package org.dubbomesh.interop;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;

/**
 * `hessian-vectors encode`: one JSON line {"name","hex","java"} per JavaCorpus vector, written by
 * hessian-lite's Hessian2Output (the serializer Dubbo's hessian2 serialization uses).
 *
 * `hessian-vectors decode`: reads `name<TAB>count<TAB>hex` lines on stdin; for each, reads `count`
 * values with Hessian2Input, writes them again with Hessian2Output and prints
 * {"name","hex" (Java's re-encoding),"java" (Describe of each value)} or {"name","error"}.
 * Both directions use one stream per vector, like one Dubbo2 body.
 */
final class HessianVectors {
    private static final HexFormat HEX = HexFormat.of();

    private HessianVectors() {}

    static int run(String[] argv) throws IOException {
        if (argv.length != 1 || !(argv[0].equals("encode") || argv[0].equals("decode"))) {
            throw new IllegalArgumentException("hessian-vectors needs encode or decode");
        }
        SerializerFactory factory = new SerializerFactory(HessianVectors.class.getClassLoader());
        factory.setAllowNonSerializable(true);
        if (argv[0].equals("encode")) {
            for (JavaCorpus.Vector vector : JavaCorpus.vectors()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("name", vector.name());
                line.put("hex", HEX.formatHex(encode(factory, vector.values())));
                line.put("java", describeAll(vector.values()));
                Console.line(Json.write(line));
            }
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String text = in.readLine(); text != null; text = in.readLine()) {
            if (text.isBlank()) continue;
            String[] parts = text.split("\t", 3);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("name", parts[0]);
            try {
                int count = Integer.parseInt(parts[1]);
                Hessian2Input input = new Hessian2Input(new ByteArrayInputStream(HEX.parseHex(parts[2])));
                input.setSerializerFactory(factory);
                Object[] values = new Object[count];
                for (int i = 0; i < count; i++) values[i] = input.readObject();
                line.put("hex", HEX.formatHex(encode(factory, values)));
                line.put("java", describeAll(values));
            } catch (Exception | StackOverflowError e) {
                line.put("error", e.toString());
            }
            Console.line(Json.write(line));
        }
        return 0;
    }

    private static byte[] encode(SerializerFactory factory, Object[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        out.setSerializerFactory(factory);
        for (Object value : values) out.writeObject(value);
        out.flush();
        return bytes.toByteArray();
    }

    private static List<String> describeAll(Object[] values) {
        List<String> out = new ArrayList<>();
        for (Object value : values) out.add(Describe.of(value));
        return out;
    }
}
