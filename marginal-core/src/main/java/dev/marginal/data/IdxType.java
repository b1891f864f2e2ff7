package dev.marginal.data;

/**
 * The value types of the IDX format, by the type code in the third byte of the magic number ({@code 0x0000TTNN}).
 * Every type is big-endian. Values are decoded as they are stored; {@link IdxReader} scales unsigned bytes to
 * [0, 1] itself.
 */
enum IdxType {
  UNSIGNED_BYTE(0x08, 1, "unsigned-byte"),
  SIGNED_BYTE(0x09, 1, "signed-byte"),
  SHORT(0x0B, 2, "short"),
  INT(0x0C, 4, "int"),
  FLOAT(0x0D, 4, "float"),
  DOUBLE(0x0E, 8, "double");

  /** The type code of the magic number. */
  final int code;
  /** Bytes per value. */
  final int width;
  /** The type in a message: "a 2-D float IDX file". */
  final String description;

  IdxType(int code, int width, String description) {
    this.code = code;
    this.width = width;
    this.description = description;
  }

  /** The type with {@code code}, or null if the IDX format has none. */
  static IdxType of(int code) {
    for (IdxType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** The type codes, for a message: "08, 09, 0B, 0C, 0D or 0E". */
  static String codes() {
    StringBuilder s = new StringBuilder();
    IdxType[] all = values();
    for (int i = 0; i < all.length; i++) {
      s.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(String.format("%02X", all[i].code));
    }
    return s.toString();
  }

  /**
   * The value stored big-endian at {@code b[off]}, as it is (an unsigned byte 0..255, a signed byte -128..127, ...).
   * A double is returned in full; narrowing it to float is left to the caller, which checks the range.
   */
  double decode(byte[] b, int off) {
    return switch (this) {
      case UNSIGNED_BYTE -> b[off] & 0xFF;
      case SIGNED_BYTE -> b[off];
      case SHORT -> (short) ((b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF));
      case INT -> bigEndianInt(b, off);
      case FLOAT -> Float.intBitsToFloat(bigEndianInt(b, off));
      case DOUBLE -> Double.longBitsToDouble((long) bigEndianInt(b, off) << 32
          | (bigEndianInt(b, off + 4) & 0xFFFFFFFFL));
    };
  }

  static int bigEndianInt(byte[] b, int off) {
    return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
  }
}
