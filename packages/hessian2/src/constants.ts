// Byte codes and compact-form ranges of the Hessian 2.0 serialization grammar
// (hessian.caucho.com/doc/hessian-serialization.html, "Bytecode map"), named once so the encoder and the
// decoder cannot disagree about a boundary.

// --- single-byte values
export const BC_NULL = 0x4e; // 'N'
export const BC_TRUE = 0x54; // 'T'
export const BC_FALSE = 0x46; // 'F'
export const BC_END = 0x5a; // 'Z': end of a variable-length list or of a map

// --- int: 'I' b3 b2 b1 b0 | [x80-xbf] | [xc0-xcf] b0 | [xd0-xd7] b1 b0
export const BC_INT = 0x49; // 'I'
export const INT_DIRECT_MIN = -0x10;
export const INT_DIRECT_MAX = 0x2f;
export const BC_INT_ZERO = 0x90;
export const INT_BYTE_MIN = -0x800;
export const INT_BYTE_MAX = 0x7ff;
export const BC_INT_BYTE_ZERO = 0xc8;
export const INT_SHORT_MIN = -0x40000;
export const INT_SHORT_MAX = 0x3ffff;
export const BC_INT_SHORT_ZERO = 0xd4;

// --- long: 'L' b7..b0 | [xd8-xef] | [xf0-xff] b0 | [x38-x3f] b1 b0 | x59 b3..b0
export const BC_LONG = 0x4c; // 'L'
export const LONG_DIRECT_MIN = -0x08;
export const LONG_DIRECT_MAX = 0x0f;
export const BC_LONG_ZERO = 0xe0;
export const LONG_BYTE_MIN = -0x800;
export const LONG_BYTE_MAX = 0x7ff;
export const BC_LONG_BYTE_ZERO = 0xf8;
export const LONG_SHORT_MIN = -0x40000;
export const LONG_SHORT_MAX = 0x3ffff;
export const BC_LONG_SHORT_ZERO = 0x3c;
export const BC_LONG_INT = 0x59; // a long that fits 32 bits

// --- double: 'D' b7..b0 | x5b (0.0) | x5c (1.0) | x5d b0 | x5e b1 b0 | x5f b3..b0
export const BC_DOUBLE = 0x44; // 'D'
export const BC_DOUBLE_ZERO = 0x5b;
export const BC_DOUBLE_ONE = 0x5c;
export const BC_DOUBLE_BYTE = 0x5d;
export const BC_DOUBLE_SHORT = 0x5e;
// The spec text calls x5f a 32-bit float, but every implementation that matters (Caucho's and
// dubbo's Hessian2Output/Hessian2Input, hessian.js, dubbo-go-hessian2) writes and reads an int32 count of
// thousandths ("mills"): value = 0.001 * mills. Interop wins over the prose.
export const BC_DOUBLE_MILL = 0x5f;

// --- date: x4a b7..b0 (ms since epoch) | x4b b3..b0 (minutes since epoch)
export const BC_DATE = 0x4a;
export const BC_DATE_MINUTE = 0x4b;

// --- string (length counts UTF-16 code units): [x00-x1f] | [x30-x33] b0 | 'S' b1 b0 | 'R' b1 b0 (chunk)
export const BC_STRING_DIRECT = 0x00;
export const STRING_DIRECT_MAX = 0x1f;
export const BC_STRING_SHORT = 0x30;
export const STRING_SHORT_MAX = 0x3ff;
export const BC_STRING = 0x53; // 'S': final chunk
export const BC_STRING_CHUNK = 0x52; // 'R': non-final chunk
/** Chunk size Java's Hessian2Output uses for long strings; we split the same way. */
export const STRING_CHUNK_SIZE = 0x8000;

// --- binary: [x20-x2f] | [x34-x37] b0 | 'B' b1 b0 | 'A' b1 b0 (chunk)
export const BC_BINARY_DIRECT = 0x20;
export const BINARY_DIRECT_MAX = 0x0f;
export const BC_BINARY_SHORT = 0x34;
export const BINARY_SHORT_MAX = 0x3ff;
export const BC_BINARY = 0x42; // 'B': final chunk
export const BC_BINARY_CHUNK = 0x41; // 'A': non-final chunk
export const BINARY_CHUNK_SIZE = 0x8000;

// --- list: x55 type value* Z | 'V' type int value* | x57 value* Z | x58 int value* | [x70-77] type value*
//           | [x78-7f] value*
export const BC_LIST_VARIABLE = 0x55; // typed, terminated by 'Z'
export const BC_LIST_FIXED = 0x56; // 'V': typed, length follows the type
export const BC_LIST_VARIABLE_UNTYPED = 0x57;
export const BC_LIST_FIXED_UNTYPED = 0x58;
export const BC_LIST_DIRECT = 0x70; // typed, length 0-7 in the code
export const BC_LIST_DIRECT_UNTYPED = 0x78; // untyped, length 0-7 in the code
export const LIST_DIRECT_MAX = 7;

// --- map: 'M' type (key value)* Z | 'H' (key value)* Z
export const BC_MAP = 0x4d; // 'M'
export const BC_MAP_UNTYPED = 0x48; // 'H'

// --- object: 'C' string int string* (class definition) | 'O' int value* | [x60-x6f] value*
export const BC_OBJECT_DEF = 0x43; // 'C'
export const BC_OBJECT = 0x4f; // 'O'
export const BC_OBJECT_DIRECT = 0x60;
export const OBJECT_DIRECT_MAX = 0x0f;

// --- reference to an earlier list, map or object: 'Q' int
export const BC_REF = 0x51;

export const TWO_POW_32 = 4294967296;
