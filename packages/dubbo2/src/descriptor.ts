// JVM parameter descriptors, the form Dubbo2 requests name parameter types in
// (ReflectUtils.getDesc): `Ljava/lang/String;I[B` for (String, int, byte[]). Java resolves the
// arguments' classes from it, so a caller must send exactly the method's declared types.

const PRIMITIVE_TO_CODE: Readonly<Record<string, string>> = {
  boolean: "Z",
  byte: "B",
  char: "C",
  double: "D",
  float: "F",
  int: "I",
  long: "J",
  short: "S",
  void: "V",
};

const CODE_TO_PRIMITIVE: Readonly<Record<string, string>> = {
  Z: "boolean",
  B: "byte",
  C: "char",
  D: "double",
  F: "float",
  I: "int",
  J: "long",
  S: "short",
};

export class DescriptorError extends Error {
  override readonly name = "DescriptorError";
}

/**
 * The descriptor of one Java type, given as Java spells it in source (`int`, `java.lang.String`,
 * `byte[]`, `com.foo.User[][]`) or as `Class.getName()` does (`[B`, `[Ljava.lang.String;`).
 */
export function typeDescriptor(type: string): string {
  const t = type.trim();
  if (t.length === 0) throw new DescriptorError("empty Java type name");
  if (t.startsWith("[")) {
    // Class.getName() of an array is already a descriptor with dots.
    const desc = t.replace(/\./g, "/");
    parseDescriptor(desc); // validates
    return desc;
  }
  if (t.endsWith("[]")) return `[${typeDescriptor(t.slice(0, -2))}`;
  const primitive = PRIMITIVE_TO_CODE[t];
  if (primitive !== undefined) {
    if (primitive === "V") throw new DescriptorError("void is not a parameter type");
    return primitive;
  }
  if (/[;[\]/\s]/.test(t)) throw new DescriptorError(`"${type}" is not a Java type name`);
  return `L${t.replace(/\./g, "/")};`;
}

/** The descriptor of a parameter list, e.g. `["java.lang.String", "int"]` -> `Ljava/lang/String;I`. */
export function toDescriptor(types: readonly string[]): string {
  let out = "";
  for (const t of types) out += typeDescriptor(t);
  return out;
}

/**
 * The parameter types of a descriptor as `Class.getName()` spells them: `int`, `java.lang.String`,
 * `[B`, `[Ljava.lang.String;`. Throws DescriptorError for anything malformed.
 */
export function parseDescriptor(desc: string): string[] {
  const types: string[] = [];
  let i = 0;
  while (i < desc.length) {
    const start = i;
    while (desc[i] === "[") i++;
    const dims = i - start;
    if (dims > 255) throw new DescriptorError(`more than 255 array dimensions at ${start} in "${desc}"`);
    const code = desc[i];
    if (code === undefined) throw new DescriptorError(`descriptor "${desc}" ends inside an array type`);
    if (code === "L") {
      const end = desc.indexOf(";", i);
      if (end < 0) throw new DescriptorError(`unterminated class name at ${i} in "${desc}"`);
      const internal = desc.slice(i + 1, end);
      if (
        internal.length === 0 ||
        /[[.;\s]/.test(internal) ||
        internal.startsWith("/") ||
        internal.endsWith("/")
      ) {
        throw new DescriptorError(`bad class name "${internal}" at ${i} in "${desc}"`);
      }
      const name = internal.replace(/\//g, ".");
      types.push(dims === 0 ? name : `${"[".repeat(dims)}L${name};`);
      i = end + 1;
    } else {
      const primitive = CODE_TO_PRIMITIVE[code];
      if (primitive === undefined) {
        throw new DescriptorError(`unexpected "${code}" at ${i} in descriptor "${desc}"`);
      }
      types.push(dims === 0 ? primitive : `${"[".repeat(dims)}${code}`);
      i++;
    }
  }
  return types;
}
