/**
 * ZMTP 3.x wire constants shared by the encoder and the parser.
 * @module
 */

/** Size of a ZMTP 3 greeting in bytes. */
export const GREETING_SIZE = 64;
/** Default limit on one message (sum of frame sizes plus frame headers): 256 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024 * 1024;

/** Frame flag: more frames follow in this message. */
export const FLAG_MORE = 0x01;
/** Frame flag: 8-byte size. */
export const FLAG_LONG = 0x02;
/** Frame flag: a command frame. */
export const FLAG_COMMAND = 0x04;
/** Flag bits that must be zero. */
export const FLAGS_RESERVED = 0xf8;
/** 2^32, for 64-bit sizes. */
export const TWO_POW_32 = 0x1_0000_0000;
