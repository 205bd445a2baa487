import { createRequire as __leashRequire } from 'node:module';
const require = __leashRequire(import.meta.url);
import {
  RetryableError
} from "./chunk-OACDNGXH.js";
import "./chunk-XBOSDWZH.js";

// node_modules/ldapts/dist/index.mjs
import * as assert from "node:assert";
import { TextDecoder, debuglog } from "node:util";
import * as crypto from "node:crypto";
import * as net from "node:net";
import * as tls from "node:tls";
import { EventEmitter } from "node:events";
var Ber = {
  EOC: 0,
  Boolean: 1,
  Integer: 2,
  BitString: 3,
  OctetString: 4,
  Null: 5,
  OID: 6,
  ObjectDescriptor: 7,
  External: 8,
  Real: 9,
  Enumeration: 10,
  PDV: 11,
  Utf8String: 12,
  RelativeOID: 13,
  Sequence: 16,
  Set: 17,
  NumericString: 18,
  PrintableString: 19,
  T61String: 20,
  VideotexString: 21,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  GraphicString: 25,
  VisibleString: 26,
  GeneralString: 28,
  UniversalString: 29,
  CharacterString: 30,
  BMPString: 31,
  Constructor: 32,
  Context: 128
};
var InvalidAsn1Error = class extends Error {
  constructor(message) {
    super(message);
    this.name = "InvalidAsn1Error";
  }
};
var BerReader = class {
  size;
  currentLength = 0;
  currentOffset = 0;
  buffer;
  constructor(data) {
    if (!Buffer.isBuffer(data)) throw new TypeError("data must be a Buffer");
    this.buffer = data;
    this.size = data.length;
  }
  get length() {
    return this.currentLength;
  }
  get offset() {
    return this.currentOffset;
  }
  set offset(value) {
    this.currentOffset = value;
  }
  get remain() {
    return this.size - this.currentOffset;
  }
  get remainingBuffer() {
    return this.buffer.subarray(this.currentOffset);
  }
  setBufferSize(size) {
    this.size = size;
  }
  readByte(peek = false) {
    if (this.size - this.currentOffset < 1) return null;
    const byte = this.buffer.readUInt8(this.currentOffset);
    if (!peek) this.currentOffset += 1;
    return byte;
  }
  peek() {
    return this.readByte(true);
  }
  readLength(startOffset) {
    let offset = startOffset ?? this.currentOffset;
    if (offset >= this.size) return null;
    const lengthByte = this.buffer.readUInt8(offset);
    offset += 1;
    if ((lengthByte & 128) === 128) {
      const numLengthBytes = lengthByte & 127;
      if (numLengthBytes === 0) throw new InvalidAsn1Error("Indefinite length not supported");
      if (numLengthBytes > 4) throw new InvalidAsn1Error("Encoding too long");
      if (this.size - offset < numLengthBytes) return null;
      this.currentLength = 0;
      for (let i = 0; i < numLengthBytes; i++) {
        this.currentLength = (this.currentLength << 8) + this.buffer.readUInt8(offset);
        offset += 1;
      }
    } else this.currentLength = lengthByte;
    return offset;
  }
  readSequence(expectedTag) {
    const tag = this.peek();
    if (tag === null) return null;
    if (expectedTag !== void 0 && expectedTag !== tag) throw new InvalidAsn1Error(`Expected 0x${expectedTag.toString(16)}: got 0x${tag.toString(16)}`);
    const newOffset = this.readLength(this.currentOffset + 1);
    if (newOffset === null) return null;
    this.currentOffset = newOffset;
    return tag;
  }
  readInt() {
    return this.readTag(Ber.Integer);
  }
  readBoolean() {
    const value = this.readTag(Ber.Boolean);
    if (value === null) return null;
    return value !== 0;
  }
  readEnumeration() {
    return this.readTag(Ber.Enumeration);
  }
  readString(tag = Ber.OctetString, asBuffer = false) {
    const currentTag = this.peek();
    if (currentTag === null) return null;
    if (currentTag !== tag) throw new InvalidAsn1Error(`Expected 0x${tag.toString(16)}: got 0x${currentTag.toString(16)}`);
    const newOffset = this.readLength(this.currentOffset + 1);
    if (newOffset === null) return null;
    if (this.currentLength > this.size - newOffset) return null;
    this.currentOffset = newOffset;
    if (this.currentLength === 0) return asBuffer ? Buffer.alloc(0) : "";
    const value = this.buffer.subarray(this.currentOffset, this.currentOffset + this.currentLength);
    this.currentOffset += this.currentLength;
    return asBuffer ? value : value.toString("utf8");
  }
  readOID(tag = Ber.OID) {
    const data = this.readString(tag, true);
    if (data === null) return null;
    const values2 = [];
    let value = 0;
    for (const byte of data) {
      value = (value << 7) + (byte & 127);
      if ((byte & 128) === 0) {
        values2.push(value);
        value = 0;
      }
    }
    const firstValue = values2[0] ?? 0;
    return [
      Math.trunc(firstValue / 40),
      firstValue % 40,
      ...values2.slice(1)
    ].join(".");
  }
  readTag(tag) {
    const currentTag = this.peek();
    if (currentTag === null) return null;
    if (currentTag !== tag) throw new InvalidAsn1Error(`Expected 0x${tag.toString(16)}: got 0x${currentTag.toString(16)}`);
    const newOffset = this.readLength(this.currentOffset + 1);
    if (newOffset === null) return null;
    if (this.currentLength > 4) throw new InvalidAsn1Error(`Integer too long: ${this.currentLength}`);
    if (this.currentLength > this.size - newOffset) return null;
    this.currentOffset = newOffset;
    const firstByte = this.buffer.readUInt8(this.currentOffset);
    let value = 0;
    for (let i = 0; i < this.currentLength; i++) {
      value = value << 8 | this.buffer.readUInt8(this.currentOffset);
      this.currentOffset += 1;
    }
    if ((firstByte & 128) === 128 && this.currentLength < 4) value -= 1 << this.currentLength * 8;
    return value >> 0;
  }
};
var BerWriter = class {
  data;
  size;
  currentOffset = 0;
  growthFactor;
  sequenceOffsets = [];
  constructor(options = {}) {
    const initialSize = options.size ?? 1024;
    this.growthFactor = options.growthFactor ?? 8;
    this.data = Buffer.alloc(initialSize);
    this.size = initialSize;
  }
  get buffer() {
    if (this.sequenceOffsets.length > 0) throw new InvalidAsn1Error(`${this.sequenceOffsets.length} unended sequence(s)`);
    return this.data.subarray(0, this.currentOffset);
  }
  writeByte(value) {
    this.ensureCapacity(1);
    this.data[this.currentOffset++] = value;
  }
  writeInt(value, tag = Ber.Integer) {
    let intValue = value;
    let byteCount = 4;
    while (((intValue & 4286578688) === 0 || (intValue & 4286578688) === -8388608) && byteCount > 1) {
      byteCount--;
      intValue <<= 8;
    }
    if (byteCount > 4) throw new InvalidAsn1Error("BER integers cannot be > 0xffffffff");
    this.ensureCapacity(2 + byteCount);
    this.data[this.currentOffset++] = tag;
    this.data[this.currentOffset++] = byteCount;
    while (byteCount > 0) {
      byteCount--;
      this.data[this.currentOffset++] = (intValue & 4278190080) >>> 24;
      intValue <<= 8;
    }
  }
  writeNull() {
    this.writeByte(Ber.Null);
    this.writeByte(0);
  }
  writeEnumeration(value, tag = Ber.Enumeration) {
    this.writeInt(value, tag);
  }
  writeBoolean(value, tag = Ber.Boolean) {
    this.ensureCapacity(3);
    this.data[this.currentOffset++] = tag;
    this.data[this.currentOffset++] = 1;
    this.data[this.currentOffset++] = value ? 255 : 0;
  }
  writeString(value, tag = Ber.OctetString) {
    const byteLength = Buffer.byteLength(value);
    this.writeByte(tag);
    this.writeLength(byteLength);
    if (byteLength > 0) {
      this.ensureCapacity(byteLength);
      this.data.write(value, this.currentOffset);
      this.currentOffset += byteLength;
    }
  }
  writeBuffer(value, tag) {
    this.writeByte(tag);
    this.writeLength(value.length);
    this.ensureCapacity(value.length);
    value.copy(this.data, this.currentOffset, 0, value.length);
    this.currentOffset += value.length;
  }
  writeStringArray(values2) {
    for (const value of values2) this.writeString(value);
  }
  writeOID(value, tag = Ber.OID) {
    if (!/^(\d+\.){3,}\d+$/.test(value)) throw new Error("Argument is not a valid OID string");
    const parts = value.split(".");
    const bytes = [];
    const firstPart = parts[0] ?? "0";
    const secondPart = parts[1] ?? "0";
    bytes.push(Number(firstPart) * 40 + Number(secondPart));
    for (const part of parts.slice(2)) this.encodeOidOctet(bytes, Number(part));
    this.ensureCapacity(2 + bytes.length);
    this.writeByte(tag);
    this.writeLength(bytes.length);
    for (const byte of bytes) this.writeByte(byte);
  }
  writeLength(length) {
    this.ensureCapacity(4);
    if (length <= 127) this.data[this.currentOffset++] = length;
    else if (length <= 255) {
      this.data[this.currentOffset++] = 129;
      this.data[this.currentOffset++] = length;
    } else if (length <= 65535) {
      this.data[this.currentOffset++] = 130;
      this.data[this.currentOffset++] = length >> 8;
      this.data[this.currentOffset++] = length;
    } else if (length <= 16777215) {
      this.data[this.currentOffset++] = 131;
      this.data[this.currentOffset++] = length >> 16;
      this.data[this.currentOffset++] = length >> 8;
      this.data[this.currentOffset++] = length;
    } else throw new InvalidAsn1Error("Length too long (> 4 bytes)");
  }
  startSequence(tag = Ber.Sequence | Ber.Constructor) {
    this.writeByte(tag);
    this.sequenceOffsets.push(this.currentOffset);
    this.ensureCapacity(3);
    this.currentOffset += 3;
  }
  endSequence() {
    const sequenceStart = this.sequenceOffsets.pop();
    if (sequenceStart === void 0) throw new InvalidAsn1Error("No sequence to end");
    const contentStart = sequenceStart + 3;
    const contentLength = this.currentOffset - contentStart;
    if (contentLength <= 127) {
      this.shiftContent(contentStart, contentLength, -2);
      this.data[sequenceStart] = contentLength;
    } else if (contentLength <= 255) {
      this.shiftContent(contentStart, contentLength, -1);
      this.data[sequenceStart] = 129;
      this.data[sequenceStart + 1] = contentLength;
    } else if (contentLength <= 65535) {
      this.data[sequenceStart] = 130;
      this.data[sequenceStart + 1] = contentLength >> 8;
      this.data[sequenceStart + 2] = contentLength;
    } else if (contentLength <= 16777215) {
      this.shiftContent(contentStart, contentLength, 1);
      this.data[sequenceStart] = 131;
      this.data[sequenceStart + 1] = contentLength >> 16;
      this.data[sequenceStart + 2] = contentLength >> 8;
      this.data[sequenceStart + 3] = contentLength;
    } else throw new InvalidAsn1Error("Sequence too long");
  }
  encodeOidOctet(bytes, octet) {
    if (octet < 128) bytes.push(octet);
    else if (octet < 16384) {
      bytes.push(octet >>> 7 | 128);
      bytes.push(octet & 127);
    } else if (octet < 2097152) {
      bytes.push(octet >>> 14 | 128);
      bytes.push((octet >>> 7 | 128) & 255);
      bytes.push(octet & 127);
    } else if (octet < 268435456) {
      bytes.push(octet >>> 21 | 128);
      bytes.push((octet >>> 14 | 128) & 255);
      bytes.push((octet >>> 7 | 128) & 255);
      bytes.push(octet & 127);
    } else {
      bytes.push((octet >>> 28 | 128) & 255);
      bytes.push((octet >>> 21 | 128) & 255);
      bytes.push((octet >>> 14 | 128) & 255);
      bytes.push((octet >>> 7 | 128) & 255);
      bytes.push(octet & 127);
    }
  }
  shiftContent(start, length, shift) {
    this.data.copy(this.data, start + shift, start, start + length);
    this.currentOffset += shift;
  }
  ensureCapacity(needed) {
    if (this.size - this.currentOffset < needed) {
      let newSize = this.size * this.growthFactor;
      if (newSize - this.currentOffset < needed) newSize += needed;
      const newBuffer = Buffer.alloc(newSize);
      this.data.copy(newBuffer, 0, 0, this.currentOffset);
      this.data = newBuffer;
      this.size = newSize;
    }
  }
};
var Control = class {
  type;
  critical;
  constructor(type, options = {}) {
    this.type = type;
    this.critical = options.critical === true;
  }
  write(writer) {
    writer.startSequence();
    writer.writeString(this.type);
    writer.writeBoolean(this.critical);
    this.writeControl(writer);
    writer.endSequence();
  }
  parse(reader) {
    this.parseControl(reader);
  }
  writeControl(_) {
  }
  parseControl(_) {
  }
};
var EntryChangeNotificationControl = class EntryChangeNotificationControl2 extends Control {
  static type = "2.16.840.1.113730.3.4.7";
  value;
  constructor(options = {}) {
    super(EntryChangeNotificationControl2.type, options);
    this.value = options.value;
  }
  parseControl(reader) {
    if (reader.readSequence()) {
      const changeType = reader.readInt() ?? 0;
      let previousDN;
      if (changeType === 8) previousDN = reader.readString();
      const changeNumber = reader.readInt() ?? 0;
      this.value = {
        changeType,
        previousDN,
        changeNumber
      };
    }
  }
  writeControl(writer) {
    if (!this.value) return;
    const controlWriter = new BerWriter();
    controlWriter.startSequence();
    controlWriter.writeInt(this.value.changeType);
    if (this.value.previousDN) controlWriter.writeString(this.value.previousDN);
    controlWriter.writeInt(this.value.changeNumber);
    controlWriter.endSequence();
    writer.writeBuffer(controlWriter.buffer, 4);
  }
};
var PagedResultsControl = class PagedResultsControl2 extends Control {
  static type = "1.2.840.113556.1.4.319";
  value;
  constructor(options = {}) {
    super(PagedResultsControl2.type, options);
    this.value = options.value;
  }
  parseControl(reader) {
    if (reader.readSequence()) {
      const size = reader.readInt() ?? 0;
      const cookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
      this.value = {
        size,
        cookie
      };
    }
  }
  writeControl(writer) {
    if (!this.value) return;
    const controlWriter = new BerWriter();
    controlWriter.startSequence();
    controlWriter.writeInt(this.value.size);
    if (this.value.cookie?.length) controlWriter.writeBuffer(this.value.cookie, Ber.OctetString);
    else controlWriter.writeString("");
    controlWriter.endSequence();
    writer.writeBuffer(controlWriter.buffer, 4);
  }
};
var PersistentSearchControl = class PersistentSearchControl2 extends Control {
  static type = "2.16.840.1.113730.3.4.3";
  value;
  constructor(options = {}) {
    super(PersistentSearchControl2.type, options);
    this.value = options.value;
  }
  parseControl(reader) {
    if (reader.readSequence()) {
      const changeTypes = reader.readInt() ?? 0;
      const changesOnly = reader.readBoolean() ?? false;
      const returnECs = reader.readBoolean() ?? false;
      this.value = {
        changeTypes,
        changesOnly,
        returnECs
      };
    }
  }
  writeControl(writer) {
    if (!this.value) return;
    const controlWriter = new BerWriter();
    controlWriter.startSequence();
    controlWriter.writeInt(this.value.changeTypes);
    controlWriter.writeBoolean(this.value.changesOnly);
    controlWriter.writeBoolean(this.value.returnECs);
    controlWriter.endSequence();
    writer.writeBuffer(controlWriter.buffer, 4);
  }
};
var ServerSideSortingRequestControl = class ServerSideSortingRequestControl2 extends Control {
  static type = "1.2.840.113556.1.4.473";
  values;
  constructor(options = {}) {
    super(ServerSideSortingRequestControl2.type, options);
    if (Array.isArray(options.value)) this.values = options.value;
    else if (typeof options.value === "object") this.values = [options.value];
    else this.values = [];
  }
  parseControl(reader) {
    if (reader.readSequence(48)) while (reader.readSequence(48)) {
      const attributeType = reader.readString() ?? "";
      let orderingRule = "";
      let reverseOrder = false;
      if (reader.peek() === 128) orderingRule = reader.readString(128) ?? "";
      if (reader.peek() === 129) reverseOrder = reader.readTag(129) !== 0;
      this.values.push({
        attributeType,
        orderingRule,
        reverseOrder
      });
    }
  }
  writeControl(writer) {
    if (!this.values.length) return;
    const controlWriter = new BerWriter();
    controlWriter.startSequence(48);
    for (const value of this.values) {
      controlWriter.startSequence(48);
      controlWriter.writeString(value.attributeType, Ber.OctetString);
      if (value.orderingRule) controlWriter.writeString(value.orderingRule, 128);
      if (typeof value.reverseOrder !== "undefined") controlWriter.writeBoolean(value.reverseOrder, 129);
      controlWriter.endSequence();
    }
    controlWriter.endSequence();
    writer.writeBuffer(controlWriter.buffer, 4);
  }
};
var MessageParserError = class MessageParserError2 extends Error {
  messageDetails;
  constructor(message) {
    super(message);
    this.name = "MessageParserError";
    Object.setPrototypeOf(this, MessageParserError2.prototype);
  }
};
var ResultCodeError = class ResultCodeError2 extends Error {
  code;
  constructor(code, message) {
    super(`${message} Code: 0x${code.toString(16)}`);
    this.name = "ResultCodeError";
    this.code = code;
    Object.setPrototypeOf(this, ResultCodeError2.prototype);
  }
};
var AdminLimitExceededError = class AdminLimitExceededError2 extends ResultCodeError {
  constructor(message) {
    super(11, message ?? "An LDAP server limit set by an administrative authority has been exceeded.");
    this.name = "AdminLimitExceededError";
    Object.setPrototypeOf(this, AdminLimitExceededError2.prototype);
  }
};
var AffectsMultipleDSAsError = class AffectsMultipleDSAsError2 extends ResultCodeError {
  constructor(message) {
    super(71, message ?? "The modify DN operation moves the entry from one LDAP server to another and thus requires more than one LDAP server.");
    this.name = "AffectsMultipleDSAsError";
    Object.setPrototypeOf(this, AffectsMultipleDSAsError2.prototype);
  }
};
var AliasDerefProblemError = class AliasDerefProblemError2 extends ResultCodeError {
  constructor(message) {
    super(36, message ?? "Either the client does not have access rights to read the aliased object's name or dereferencing is not allowed.");
    this.name = "AliasDerefProblemError";
    Object.setPrototypeOf(this, AliasDerefProblemError2.prototype);
  }
};
var AliasProblemError = class AliasProblemError2 extends ResultCodeError {
  constructor(message) {
    super(33, message ?? "An error occurred when an alias was dereferenced.");
    this.name = "AliasProblemError";
    Object.setPrototypeOf(this, AliasProblemError2.prototype);
  }
};
var AlreadyExistsError = class AlreadyExistsError2 extends ResultCodeError {
  constructor(message) {
    super(68, message ?? "The add operation attempted to add an entry that already exists, or that the modify operation attempted to rename an entry to the name of an entry that already exists.");
    this.name = "AlreadyExistsError";
    Object.setPrototypeOf(this, AlreadyExistsError2.prototype);
  }
};
var AuthMethodNotSupportedError = class AuthMethodNotSupportedError2 extends ResultCodeError {
  constructor(message) {
    super(7, message ?? "The Directory Server does not support the requested Authentication Method.");
    this.name = "AuthMethodNotSupportedError";
    Object.setPrototypeOf(this, AuthMethodNotSupportedError2.prototype);
  }
};
var BusyError = class BusyError2 extends ResultCodeError {
  constructor(message) {
    super(51, message ?? "The LDAP server is too busy to process the client request at this time.");
    this.name = "BusyError";
    Object.setPrototypeOf(this, BusyError2.prototype);
  }
};
var ConfidentialityRequiredError = class ConfidentialityRequiredError2 extends ResultCodeError {
  constructor(message) {
    super(13, message ?? "The session is not protected by a protocol such as Transport Layer Security (TLS), which provides session confidentiality and the request will not be handled without confidentiality enabled.");
    this.name = "ConfidentialityRequiredError";
    Object.setPrototypeOf(this, ConfidentialityRequiredError2.prototype);
  }
};
var ConstraintViolationError = class ConstraintViolationError2 extends ResultCodeError {
  constructor(message) {
    super(19, message ?? "The attribute value specified in a Add Request, Modify Request or ModifyDNRequest operation violates constraints placed on the attribute. The constraint can be one of size or content (string only, no binary).");
    this.name = "ConstraintViolationError";
    Object.setPrototypeOf(this, ConstraintViolationError2.prototype);
  }
};
var InappropriateAuthError = class InappropriateAuthError2 extends ResultCodeError {
  constructor(message) {
    super(48, message ?? "The client is attempting to use an authentication method incorrectly.");
    this.name = "InappropriateAuthError";
    Object.setPrototypeOf(this, InappropriateAuthError2.prototype);
  }
};
var InappropriateMatchingError = class InappropriateMatchingError2 extends ResultCodeError {
  constructor(message) {
    super(18, message ?? "The matching rule specified in the search filter does not match a rule defined for the attribute's syntax.");
    this.name = "InappropriateMatchingError";
    Object.setPrototypeOf(this, InappropriateMatchingError2.prototype);
  }
};
var InsufficientAccessError = class InsufficientAccessError2 extends ResultCodeError {
  constructor(message) {
    super(50, message ?? "The caller does not have sufficient rights to perform the requested operation.");
    this.name = "InsufficientAccessError";
    Object.setPrototypeOf(this, InsufficientAccessError2.prototype);
  }
};
var InvalidCredentialsError = class InvalidCredentialsError2 extends ResultCodeError {
  constructor(message) {
    super(49, message ?? "Invalid credentials during a bind operation.");
    this.name = "InvalidCredentialsError";
    Object.setPrototypeOf(this, InvalidCredentialsError2.prototype);
  }
};
var InvalidDNSyntaxError = class InvalidDNSyntaxError2 extends ResultCodeError {
  constructor(message) {
    super(34, message ?? "The syntax of the DN is incorrect.");
    this.name = "InvalidDNSyntaxError";
    Object.setPrototypeOf(this, InvalidDNSyntaxError2.prototype);
  }
};
var InvalidSyntaxError = class InvalidSyntaxError2 extends ResultCodeError {
  constructor(message) {
    super(21, message ?? "The attribute value specified in an Add Request, Compare Request, or Modify Request operation is an unrecognized or invalid syntax for the attribute.");
    this.name = "InvalidSyntaxError";
    Object.setPrototypeOf(this, InvalidSyntaxError2.prototype);
  }
};
var IsLeafError = class IsLeafError2 extends ResultCodeError {
  constructor(message) {
    super(35, message ?? "The specified operation cannot be performed on a leaf entry.");
    this.name = "IsLeafError";
    Object.setPrototypeOf(this, IsLeafError2.prototype);
  }
};
var LoopDetectError = class LoopDetectError2 extends ResultCodeError {
  constructor(message) {
    super(54, message ?? "The client discovered an alias or LDAP Referral loop, and is thus unable to complete this request.");
    this.name = "LoopDetectError";
    Object.setPrototypeOf(this, LoopDetectError2.prototype);
  }
};
var MoreResultsToReturnError = class MoreResultsToReturnError2 extends ResultCodeError {
  constructor(message) {
    super(95, message);
    this.name = "MoreResultsToReturnError";
    Object.setPrototypeOf(this, MoreResultsToReturnError2.prototype);
  }
};
var NamingViolationError = class NamingViolationError2 extends ResultCodeError {
  constructor(message) {
    super(64, message ?? "The Add Request or Modify DN Request operation violates the schema's structure rules.");
    this.name = "NamingViolationError";
    Object.setPrototypeOf(this, NamingViolationError2.prototype);
  }
};
var NoObjectClassModsError = class NoObjectClassModsError2 extends ResultCodeError {
  constructor(message) {
    super(69, message ?? "The modify operation attempted to modify the structure rules of an object class.");
    this.name = "NoObjectClassModsError";
    Object.setPrototypeOf(this, NoObjectClassModsError2.prototype);
  }
};
var NoSuchAttributeError = class NoSuchAttributeError2 extends ResultCodeError {
  constructor(message) {
    super(16, message ?? "The attribute specified in the Modify Request or Compare Request operation does not exist in the entry.");
    this.name = "NoSuchAttributeError";
    Object.setPrototypeOf(this, NoSuchAttributeError2.prototype);
  }
};
var NoSuchObjectError = class NoSuchObjectError2 extends ResultCodeError {
  constructor(message) {
    super(32, message ?? "The target object cannot be found.");
    this.name = "NoSuchObjectError";
    Object.setPrototypeOf(this, NoSuchObjectError2.prototype);
  }
};
var NotAllowedOnNonLeafError = class NotAllowedOnNonLeafError2 extends ResultCodeError {
  constructor(message) {
    super(66, message ?? "The requested operation is permitted only on leaf entries.");
    this.name = "NotAllowedOnNonLeafError";
    Object.setPrototypeOf(this, NotAllowedOnNonLeafError2.prototype);
  }
};
var NotAllowedOnRDNError = class NotAllowedOnRDNError2 extends ResultCodeError {
  constructor(message) {
    super(67, message ?? "The modify operation attempted to remove an attribute value that forms the entry's relative distinguished name.");
    this.name = "NotAllowedOnRDNError";
    Object.setPrototypeOf(this, NotAllowedOnRDNError2.prototype);
  }
};
var NoResultError = class NoResultError2 extends ResultCodeError {
  constructor(message) {
    super(248, message ?? "No result message for the request.");
    this.name = "NoResultError";
    Object.setPrototypeOf(this, NoResultError2.prototype);
  }
};
var ObjectClassViolationError = class ObjectClassViolationError2 extends ResultCodeError {
  constructor(message) {
    super(65, message ?? "The Add Request, Modify Request, or modify DN operation violates the object class rules for the entry.");
    this.name = "ObjectClassViolationError";
    Object.setPrototypeOf(this, ObjectClassViolationError2.prototype);
  }
};
var OperationsError = class OperationsError2 extends ResultCodeError {
  constructor(message) {
    super(1, message ?? "Request was out of sequence with another operation in progress.");
    this.name = "OperationsError";
    Object.setPrototypeOf(this, OperationsError2.prototype);
  }
};
var ProtocolError = class ProtocolError2 extends ResultCodeError {
  constructor(message) {
    super(2, message ?? "Client sent data to the server that did not comprise a valid LDAP request.");
    this.name = "ProtocolError";
    Object.setPrototypeOf(this, ProtocolError2.prototype);
  }
};
var ResultsTooLargeError = class ResultsTooLargeError2 extends ResultCodeError {
  constructor(message) {
    super(70, message ?? "Results are too large.");
    this.name = "ResultsTooLargeError";
    Object.setPrototypeOf(this, ResultsTooLargeError2.prototype);
  }
};
var SaslBindInProgressError = class SaslBindInProgressError2 extends ResultCodeError {
  response;
  constructor(response) {
    super(14, response.errorMessage || "The server is ready for the next step in the SASL authentication process. The client must send the server the same SASL Mechanism to continue the process.");
    this.response = response;
    this.name = "SaslBindInProgressError";
    Object.setPrototypeOf(this, SaslBindInProgressError2.prototype);
  }
};
var SizeLimitExceededError = class SizeLimitExceededError2 extends ResultCodeError {
  constructor(message) {
    super(4, message ?? "There were more entries matching the criteria contained in a SearchRequest operation than were allowed to be returned by the size limit configuration.");
    this.name = "SizeLimitExceededError";
    Object.setPrototypeOf(this, SizeLimitExceededError2.prototype);
  }
};
var StrongAuthRequiredError = class StrongAuthRequiredError2 extends ResultCodeError {
  constructor(message) {
    super(8, message ?? "Client requested an operation that requires strong authentication.");
    this.name = "StrongAuthRequiredError";
    Object.setPrototypeOf(this, StrongAuthRequiredError2.prototype);
  }
};
var TimeLimitExceededError = class TimeLimitExceededError2 extends ResultCodeError {
  constructor(message) {
    super(3, message ?? "Processing on the associated request Timeout limit specified by either the client request or the server administration limits has been exceeded and has been terminated because it took too long to complete.");
    this.name = "TimeLimitExceededError";
    Object.setPrototypeOf(this, TimeLimitExceededError2.prototype);
  }
};
var TLSNotSupportedError = class TLSNotSupportedError2 extends ResultCodeError {
  constructor(message) {
    super(112, message ?? "TLS is not supported on the server.");
    this.name = "TLSNotSupportedError";
    Object.setPrototypeOf(this, TLSNotSupportedError2.prototype);
  }
};
var TypeOrValueExistsError = class TypeOrValueExistsError2 extends ResultCodeError {
  constructor(message) {
    super(20, message ?? "The attribute value specified in a Add Request or Modify Request operation already exists as a value for that attribute.");
    this.name = "TypeOrValueExistsError";
    Object.setPrototypeOf(this, TypeOrValueExistsError2.prototype);
  }
};
var UnavailableCriticalExtensionError = class UnavailableCriticalExtensionError2 extends ResultCodeError {
  constructor(message) {
    super(12, message ?? "One or more critical extensions were not available by the LDAP server. Either the server does not support the control or the control is not appropriate for the operation type.");
    this.name = "UnavailableCriticalExtensionError";
    Object.setPrototypeOf(this, UnavailableCriticalExtensionError2.prototype);
  }
};
var UnavailableError = class UnavailableError2 extends ResultCodeError {
  constructor(message) {
    super(52, message ?? "The LDAP server cannot process the client's bind request.");
    this.name = "UnavailableError";
    Object.setPrototypeOf(this, UnavailableError2.prototype);
  }
};
var UndefinedTypeError = class UndefinedTypeError2 extends ResultCodeError {
  constructor(message) {
    super(17, message ?? "The attribute specified in the modify or add operation does not exist in the LDAP server's schema.");
    this.name = "UndefinedTypeError";
    Object.setPrototypeOf(this, UndefinedTypeError2.prototype);
  }
};
var UnknownStatusCodeError = class UnknownStatusCodeError2 extends ResultCodeError {
  constructor(code, message) {
    super(code, message ?? "Unknown error.");
    this.name = "UnknownStatusCodeError";
    Object.setPrototypeOf(this, UnknownStatusCodeError2.prototype);
  }
};
var UnwillingToPerformError = class UnwillingToPerformError2 extends ResultCodeError {
  constructor(message) {
    super(53, message ?? "The LDAP server cannot process the request because of server-defined restrictions.");
    this.name = "UnwillingToPerformError";
    Object.setPrototypeOf(this, UnwillingToPerformError2.prototype);
  }
};
var Filter = class Filter2 {
  write(writer) {
    writer.startSequence(this.type);
    this.writeFilter(writer);
    writer.endSequence();
  }
  parse(reader) {
    this.parseFilter(reader);
  }
  matches(_ = {}, __) {
    return true;
  }
  /**
  * RFC 2254 Escaping of filter strings
  * Raw                     Escaped
  * (o=Parens (R Us))       (o=Parens \28R Us\29)
  * (cn=star*)              (cn=star\2A)
  * (filename=C:\MyFile)    (filename=C:\5cMyFile)
  * @param {string|Buffer} input
  * @returns Escaped string
  */
  static escape(input) {
    let escapedResult = "";
    if (Buffer.isBuffer(input)) for (const inputChar of input) if (inputChar < 16) escapedResult += `\\0${inputChar.toString(16)}`;
    else escapedResult += `\\${inputChar.toString(16)}`;
    else for (const inputChar of input) switch (inputChar) {
      case "*":
        escapedResult += "\\2a";
        break;
      case "(":
        escapedResult += "\\28";
        break;
      case ")":
        escapedResult += "\\29";
        break;
      case "\\":
        escapedResult += "\\5c";
        break;
      case "\0":
        escapedResult += "\\00";
        break;
      default:
        escapedResult += inputChar;
        break;
    }
    return escapedResult;
  }
  /**
  * Escapes the provided value so it can safely be embedded in a filter string.
  * @param {Buffer|string} input - Value to escape
  * @returns {string} Escaped value
  * @deprecated Use the static `Filter.escape()` instead.
  */
  escape(input) {
    return Filter2.escape(input);
  }
  parseFilter(_) {
  }
  writeFilter(_) {
  }
  getObjectValue(objectToCheck, key, strictAttributeCase) {
    let objectKey;
    if (typeof objectToCheck[key] !== "undefined") objectKey = key;
    else if (!strictAttributeCase && key.toLowerCase() === "objectclass") {
      for (const objectToCheckKey of Object.keys(objectToCheck)) if (objectToCheckKey.toLowerCase() === key.toLowerCase()) {
        objectKey = objectToCheckKey;
        break;
      }
    }
    if (objectKey) return objectToCheck[objectKey];
  }
};
var SearchFilter = {
  and: 160,
  or: 161,
  not: 162,
  equalityMatch: 163,
  substrings: 164,
  greaterOrEqual: 165,
  lessOrEqual: 166,
  present: 135,
  approxMatch: 168,
  extensibleMatch: 169
};
var AndFilter = class extends Filter {
  type = SearchFilter.and;
  filters;
  constructor(options) {
    super();
    this.filters = options.filters;
  }
  writeFilter(writer) {
    for (const filter of this.filters) filter.write(writer);
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    if (!this.filters.length) return true;
    for (const filter of this.filters) if (!filter.matches(objectToCheck, strictAttributeCase)) return false;
    return true;
  }
  toString() {
    let result = "(&";
    for (const filter of this.filters) result += filter.toString();
    result += ")";
    return result;
  }
};
var ApproximateFilter = class extends Filter {
  type = SearchFilter.approxMatch;
  attribute;
  value;
  constructor(options = {}) {
    super();
    this.attribute = options.attribute ?? "";
    this.value = options.value ?? "";
  }
  parseFilter(reader) {
    this.attribute = (reader.readString() ?? "").toLowerCase();
    this.value = reader.readString() ?? "";
  }
  writeFilter(writer) {
    writer.writeString(this.attribute);
    writer.writeString(this.value);
  }
  matches(_ = {}, __) {
    throw new Error("Approximate match implementation unknown");
  }
  toString() {
    return `(${Filter.escape(this.attribute)}~=${Filter.escape(this.value)})`;
  }
};
var EqualityFilter = class extends Filter {
  type = SearchFilter.equalityMatch;
  attribute;
  value;
  constructor(options = {}) {
    super();
    this.attribute = options.attribute ?? "";
    this.value = options.value ?? "";
  }
  parseFilter(reader) {
    this.attribute = (reader.readString() ?? "").toLowerCase();
    this.value = reader.readString() ?? "";
    if (this.attribute === "objectclass") this.value = this.value.toLowerCase();
  }
  writeFilter(writer) {
    writer.writeString(this.attribute);
    if (Buffer.isBuffer(this.value)) writer.writeBuffer(this.value, Ber.OctetString);
    else writer.writeString(this.value);
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    const objectToCheckValue = this.getObjectValue(objectToCheck, this.attribute, strictAttributeCase);
    if (typeof objectToCheckValue !== "undefined") {
      if (Buffer.isBuffer(this.value) && Buffer.isBuffer(objectToCheckValue)) return this.value === objectToCheckValue;
      const stringValue = Buffer.isBuffer(this.value) ? this.value.toString("utf8") : this.value;
      if (strictAttributeCase) return stringValue === objectToCheckValue;
      return stringValue.toLowerCase() === objectToCheckValue.toLowerCase();
    }
    return false;
  }
  toString() {
    return `(${Filter.escape(this.attribute)}=${Filter.escape(this.value)})`;
  }
};
var ExtensibleFilter = class extends Filter {
  type = SearchFilter.extensibleMatch;
  value;
  rule;
  matchType;
  dnAttributes;
  constructor(options = {}) {
    super();
    this.matchType = options.matchType ?? "";
    this.rule = options.rule ?? "";
    this.dnAttributes = options.dnAttributes === true;
    this.value = options.value ?? "";
  }
  parseFilter(reader) {
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const tag = reader.peek();
      switch (tag) {
        case 129:
          this.rule = reader.readString(tag) ?? "";
          break;
        case 130:
          this.matchType = reader.readString(tag) ?? "";
          break;
        case 131:
          this.value = reader.readString(tag) ?? "";
          break;
        case 132:
          this.dnAttributes = reader.readBoolean() ?? false;
          break;
        default: {
          let type = "<null>";
          if (tag) type = `0x${tag.toString(16)}`;
          throw new Error(`Invalid ext_match filter type: ${type}`);
        }
      }
    }
  }
  writeFilter(writer) {
    if (this.rule) writer.writeString(this.rule, 129);
    if (this.matchType) writer.writeString(this.matchType, 130);
    writer.writeString(this.value, 131);
    if (this.dnAttributes) writer.writeBoolean(this.dnAttributes, 132);
  }
  matches(_ = {}, __) {
    throw new Error("Approximate match implementation unknown");
  }
  toString() {
    let result = `(${Filter.escape(this.matchType)}:`;
    if (this.dnAttributes) result += "dn:";
    if (this.rule) result += `${Filter.escape(this.rule)}:`;
    result += `=${Filter.escape(this.value)})`;
    return result;
  }
};
var GreaterThanEqualsFilter = class extends Filter {
  type = SearchFilter.greaterOrEqual;
  attribute;
  value;
  constructor(options = {}) {
    super();
    this.attribute = options.attribute ?? "";
    this.value = options.value ?? "";
  }
  parseFilter(reader) {
    this.attribute = reader.readString()?.toLowerCase() ?? "";
    this.value = reader.readString() ?? "";
  }
  writeFilter(writer) {
    writer.writeString(this.attribute);
    writer.writeString(this.value);
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    const objectToCheckValue = this.getObjectValue(objectToCheck, this.attribute, strictAttributeCase);
    if (typeof objectToCheckValue !== "undefined") {
      if (strictAttributeCase) return objectToCheckValue >= this.value;
      return objectToCheckValue.toLowerCase() >= this.value.toLowerCase();
    }
    return false;
  }
  toString() {
    return `(${Filter.escape(this.attribute)}>=${Filter.escape(this.value)})`;
  }
};
var LessThanEqualsFilter = class extends Filter {
  type = SearchFilter.lessOrEqual;
  attribute;
  value;
  constructor(options = {}) {
    super();
    this.attribute = options.attribute ?? "";
    this.value = options.value ?? "";
  }
  parseFilter(reader) {
    this.attribute = reader.readString()?.toLowerCase() ?? "";
    this.value = reader.readString() ?? "";
  }
  writeFilter(writer) {
    writer.writeString(this.attribute);
    writer.writeString(this.value);
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    const objectToCheckValue = this.getObjectValue(objectToCheck, this.attribute, strictAttributeCase);
    if (typeof objectToCheckValue !== "undefined") {
      if (strictAttributeCase) return objectToCheckValue <= this.value;
      return objectToCheckValue.toLowerCase() <= this.value.toLowerCase();
    }
    return false;
  }
  toString() {
    return `(${Filter.escape(this.attribute)}<=${Filter.escape(this.value)})`;
  }
};
var NotFilter = class extends Filter {
  type = SearchFilter.not;
  filter;
  constructor(options) {
    super();
    this.filter = options.filter;
  }
  writeFilter(writer) {
    this.filter.write(writer);
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    return !this.filter.matches(objectToCheck, strictAttributeCase);
  }
  toString() {
    return `(!${this.filter.toString()})`;
  }
};
var OrFilter = class extends Filter {
  type = SearchFilter.or;
  filters;
  constructor(options) {
    super();
    this.filters = options.filters;
  }
  writeFilter(writer) {
    for (const filter of this.filters) filter.write(writer);
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    if (!this.filters.length) return true;
    for (const filter of this.filters) if (filter.matches(objectToCheck, strictAttributeCase)) return true;
    return false;
  }
  toString() {
    let result = "(|";
    for (const filter of this.filters) result += filter.toString();
    result += ")";
    return result;
  }
};
var PresenceFilter = class extends Filter {
  type = SearchFilter.present;
  attribute;
  constructor(options = {}) {
    super();
    this.attribute = options.attribute ?? "";
  }
  parseFilter(reader) {
    this.attribute = reader.buffer.subarray(0, reader.length).toString("utf8").toLowerCase();
    reader.offset += reader.length;
  }
  writeFilter(writer) {
    for (let i = 0; i < this.attribute.length; i += 1) writer.writeByte(this.attribute.charCodeAt(i));
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    return typeof this.getObjectValue(objectToCheck, this.attribute, strictAttributeCase) !== "undefined";
  }
  toString() {
    return `(${Filter.escape(this.attribute)}=*)`;
  }
};
var SubstringFilter = class SubstringFilter2 extends Filter {
  type = SearchFilter.substrings;
  attribute;
  initial;
  any;
  final;
  constructor(options = {}) {
    super();
    this.attribute = options.attribute ?? "";
    this.initial = options.initial ?? "";
    this.any = options.any ?? [];
    this.final = options.final ?? "";
  }
  parseFilter(reader) {
    this.attribute = reader.readString()?.toLowerCase() ?? "";
    reader.readSequence();
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const tag = reader.peek();
      switch (tag) {
        case 128:
          this.initial = reader.readString(tag) ?? "";
          if (this.attribute === "objectclass") this.initial = this.initial.toLowerCase();
          break;
        case 129: {
          let anyValue = reader.readString(tag) ?? "";
          if (this.attribute === "objectclass") anyValue = anyValue.toLowerCase();
          this.any.push(anyValue);
          break;
        }
        case 130:
          this.final = reader.readString(tag) ?? "";
          if (this.attribute === "objectclass") this.final = this.final.toLowerCase();
          break;
        default: {
          let type = "<null>";
          if (tag) type = `0x${tag.toString(16)}`;
          throw new Error(`Invalid substring filter type: ${type}`);
        }
      }
    }
  }
  writeFilter(writer) {
    writer.writeString(this.attribute);
    writer.startSequence();
    if (this.initial) writer.writeString(this.initial, 128);
    for (const anyItem of this.any) writer.writeString(anyItem, 129);
    if (this.final) writer.writeString(this.final, 130);
    writer.endSequence();
  }
  matches(objectToCheck = {}, strictAttributeCase) {
    const objectToCheckValue = this.getObjectValue(objectToCheck, this.attribute, strictAttributeCase);
    if (typeof objectToCheckValue !== "undefined") {
      let regexp = "";
      if (this.initial) regexp += `^${SubstringFilter2._escapeRegExp(this.initial)}.*`;
      for (const anyItem of this.any) regexp += `${SubstringFilter2._escapeRegExp(anyItem)}.*`;
      if (this.final) regexp += `${SubstringFilter2._escapeRegExp(this.final)}$`;
      return new RegExp(regexp, strictAttributeCase ? "gmu" : "igmu").test(objectToCheckValue);
    }
    return false;
  }
  toString() {
    let result = `(${Filter.escape(this.attribute)}=${Filter.escape(this.initial)}*`;
    for (const anyItem of this.any) result += `${Filter.escape(anyItem)}*`;
    result += `${Filter.escape(this.final)})`;
    return result;
  }
  static _escapeRegExp(str) {
    return str.replace(/[$()*+./?[\\\]^{|}-]/g, "\\$&");
  }
};
var ProtocolOperation = {
  LDAP_VERSION_3: 3,
  LBER_SET: 49,
  LDAP_CONTROLS: 160,
  LDAP_REQ_BIND: 96,
  LDAP_REQ_BIND_SASL: 163,
  LDAP_REQ_UNBIND: 66,
  LDAP_REQ_SEARCH: 99,
  LDAP_REQ_MODIFY: 102,
  LDAP_REQ_ADD: 104,
  LDAP_REQ_DELETE: 74,
  LDAP_REQ_MODRDN: 108,
  LDAP_REQ_COMPARE: 110,
  LDAP_REQ_ABANDON: 80,
  LDAP_REQ_EXTENSION: 119,
  LDAP_RES_BIND: 97,
  LDAP_RES_SEARCH_ENTRY: 100,
  LDAP_RES_SEARCH_REF: 115,
  LDAP_RES_SEARCH: 101,
  LDAP_RES_MODIFY: 103,
  LDAP_RES_ADD: 105,
  LDAP_RES_DELETE: 107,
  LDAP_RES_MODRDN: 109,
  LDAP_RES_COMPARE: 111,
  LDAP_RES_EXTENSION: 120
};
var ControlParser = class {
  static parse(reader, requestControls) {
    if (reader.readSequence() === null) return null;
    let type = "";
    let critical = false;
    let value = Buffer.alloc(0);
    if (reader.length) {
      const end = reader.offset + reader.length;
      type = reader.readString() ?? "";
      if (reader.offset < end) {
        if (reader.peek() === Ber.Boolean) critical = reader.readBoolean() ?? false;
      }
      if (reader.offset < end) value = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
    }
    let control;
    switch (type) {
      case EntryChangeNotificationControl.type:
        control = new EntryChangeNotificationControl({ critical });
        break;
      case PagedResultsControl.type:
        control = new PagedResultsControl({ critical });
        break;
      case PersistentSearchControl.type:
        control = new PersistentSearchControl({ critical });
        break;
      case ServerSideSortingRequestControl.type:
        control = new ServerSideSortingRequestControl({ critical });
        break;
      default:
        control = requestControls.find((requestControl) => requestControl.type === type);
        break;
    }
    if (!control) return null;
    const controlReader = new BerReader(value);
    control.parse(controlReader);
    return control;
  }
};
var Message = class {
  version = ProtocolOperation.LDAP_VERSION_3;
  messageId = 0;
  controls;
  constructor(options) {
    this.messageId = options.messageId;
    this.controls = options.controls;
  }
  write() {
    const writer = new BerWriter();
    writer.startSequence();
    writer.writeInt(this.messageId);
    writer.startSequence(this.protocolOperation);
    this.writeMessage(writer);
    writer.endSequence();
    if (this.controls?.length) {
      writer.startSequence(ProtocolOperation.LDAP_CONTROLS);
      for (const control of this.controls) control.write(writer);
      writer.endSequence();
    }
    writer.endSequence();
    return writer.buffer;
  }
  parse(reader, requestControls) {
    this.controls = [];
    this.parseMessage(reader);
    if (reader.peek() === ProtocolOperation.LDAP_CONTROLS) {
      reader.readSequence();
      const end = reader.offset + reader.length;
      while (reader.offset < end) {
        const control = ControlParser.parse(reader, requestControls);
        if (control) this.controls.push(control);
      }
    }
  }
  toString() {
    return JSON.stringify({
      messageId: this.messageId,
      messageType: this.constructor.name
    }, null, 2);
  }
  parseMessage(_) {
  }
  writeMessage(_) {
  }
};
var AbandonRequest = class extends Message {
  protocolOperation;
  abandonId;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_ABANDON;
    this.abandonId = options.abandonId ?? 0;
  }
  writeMessage(writer) {
    let i = this.abandonId;
    let intSize = 4;
    const mask = 4286578688;
    while (((i & mask) === 0 || (i & mask) === mask) && intSize > 1) {
      intSize -= 1;
      i <<= 8;
    }
    assert.ok(intSize <= 4);
    while (intSize-- > 0) {
      writer.writeByte((i & 4278190080) >> 24);
      i <<= 8;
    }
  }
  parseMessage(reader) {
    const { length } = reader;
    if (length) {
      let offset = 1;
      let value;
      const fb = reader.buffer[offset] ?? 0;
      value = fb & 127;
      for (let i = 1; i < length; i += 1) {
        value <<= 8;
        offset += 1;
        const bufferValue = reader.buffer[offset] ?? 0;
        value |= bufferValue & 255;
      }
      if ((fb & 128) === 128) value = -value;
      reader.offset += length;
      this.abandonId = value;
    } else this.abandonId = 0;
  }
};
var utfDecoder = new TextDecoder("utf8", { fatal: true });
var Attribute = class {
  buffers = [];
  type;
  values;
  constructor(options = {}) {
    this.type = options.type ?? "";
    this.values = options.values ?? [];
  }
  get parsedBuffers() {
    return this.buffers;
  }
  write(writer) {
    writer.startSequence();
    const { type } = this;
    writer.writeString(type);
    writer.startSequence(ProtocolOperation.LBER_SET);
    if (this.values.length) for (const value of this.values) if (Buffer.isBuffer(value)) writer.writeBuffer(value, Ber.OctetString);
    else writer.writeString(value);
    else writer.writeStringArray([]);
    writer.endSequence();
    writer.endSequence();
  }
  parse(reader) {
    reader.readSequence();
    this.type = reader.readString() ?? "";
    const isBinaryType = this._isBinaryType();
    if (reader.peek() === ProtocolOperation.LBER_SET) {
      if (reader.readSequence(ProtocolOperation.LBER_SET)) {
        const end = reader.offset + reader.length;
        while (reader.offset < end) {
          const buffer = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
          this.buffers.push(buffer);
          if (isBinaryType) this.values.push(buffer);
          else try {
            const decoded = utfDecoder.decode(buffer);
            this.values.push(decoded);
          } catch {
            this.values.push(buffer);
          }
        }
      }
    }
  }
  _isBinaryType() {
    return /;binary$/i.test(this.type || "");
  }
};
var AddRequest = class extends Message {
  protocolOperation;
  dn;
  attributes;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_ADD;
    this.dn = options.dn;
    this.attributes = options.attributes ?? [];
  }
  writeMessage(writer) {
    writer.writeString(this.dn);
    writer.startSequence();
    for (const attribute of this.attributes) attribute.write(writer);
    writer.endSequence();
  }
  parseMessage(reader) {
    this.dn = reader.readString() ?? "";
    reader.readSequence();
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const attribute = new Attribute();
      attribute.parse(reader);
      this.attributes.push(attribute);
    }
  }
};
var MessageResponse = class extends Message {
  status;
  matchedDN;
  errorMessage;
  constructor(options) {
    super(options);
    this.status = options.status ?? 0;
    this.matchedDN = options.matchedDN ?? "";
    this.errorMessage = options.errorMessage ?? "";
  }
  parseMessage(reader) {
    this.status = reader.readEnumeration() ?? 0;
    this.matchedDN = reader.readString() ?? "";
    this.errorMessage = reader.readString() ?? "";
  }
};
var AddResponse = class extends MessageResponse {
  protocolOperation;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_ADD;
  }
};
var SASL_MECHANISMS = [
  "EXTERNAL",
  "PLAIN",
  "DIGEST-MD5",
  "SCRAM-SHA-1"
];
var BindRequest = class extends Message {
  protocolOperation;
  dn;
  password;
  mechanism;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_BIND;
    this.dn = options.dn ?? "";
    this.password = options.password ?? "";
    this.mechanism = options.mechanism;
  }
  writeMessage(writer) {
    writer.writeInt(this.version);
    writer.writeString(this.dn);
    if (this.mechanism) {
      writer.startSequence(ProtocolOperation.LDAP_REQ_BIND_SASL);
      writer.writeString(this.mechanism);
      writer.writeString(this.password);
      writer.endSequence();
    } else writer.writeString(this.password, Ber.Context);
  }
  parseMessage(reader) {
    this.version = reader.readInt() ?? ProtocolOperation.LDAP_VERSION_3;
    this.dn = reader.readString() ?? "";
    const contextCheck = reader.peek();
    if (contextCheck !== Ber.Context) {
      let type = "<null>";
      if (contextCheck) type = `0x${contextCheck.toString(16)}`;
      throw new Error(`Authentication type not supported: ${type}`);
    }
    this.password = reader.readString(Ber.Context) ?? "";
  }
};
var BindResponse = class extends MessageResponse {
  protocolOperation;
  data = [];
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_BIND;
  }
  parseMessage(reader) {
    super.parseMessage(reader);
    while (reader.remain > 0) {
      const type = reader.peek();
      if (type === ProtocolOperation.LDAP_CONTROLS) break;
      this.data.push(reader.readString(typeof type === "number" ? type : void 0) ?? "");
    }
  }
};
var CompareRequest = class extends Message {
  protocolOperation;
  dn;
  attribute;
  value;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_COMPARE;
    this.attribute = options.attribute ?? "";
    this.value = options.value ?? "";
    this.dn = options.dn ?? "";
  }
  writeMessage(writer) {
    writer.writeString(this.dn);
    writer.startSequence();
    writer.writeString(this.attribute);
    writer.writeString(this.value);
    writer.endSequence();
  }
  parseMessage(reader) {
    this.dn = reader.readString() ?? "";
    reader.readSequence();
    this.attribute = (reader.readString() ?? "").toLowerCase();
    this.value = reader.readString() ?? "";
  }
};
var CompareResponse = class extends MessageResponse {
  protocolOperation;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_COMPARE;
  }
};
var DeleteRequest = class extends Message {
  protocolOperation;
  dn;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_DELETE;
    this.dn = options.dn ?? "";
  }
  writeMessage(writer) {
    const buffer = Buffer.from(this.dn);
    for (const byte of buffer) writer.writeByte(byte);
  }
  parseMessage(reader) {
    const { length } = reader;
    this.dn = reader.buffer.subarray(0, length).toString("utf8");
    reader.offset += reader.length;
  }
};
var DeleteResponse = class extends MessageResponse {
  protocolOperation;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_DELETE;
  }
};
var ExtendedRequest = class extends Message {
  protocolOperation;
  oid;
  value;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_EXTENSION;
    this.oid = options.oid ?? "";
    this.value = options.value ?? "";
  }
  writeMessage(writer) {
    writer.writeString(this.oid, 128);
    if (Buffer.isBuffer(this.value)) writer.writeBuffer(this.value, 129);
    else if (this.value) writer.writeString(this.value, 129);
  }
  parseMessage(reader) {
    this.oid = reader.readString(128) ?? "";
    if (reader.peek() === 129) try {
      this.value = reader.readString(129) ?? "";
    } catch {
      this.value = reader.readString(129, true) ?? Buffer.alloc(0);
    }
  }
};
var ExtendedResponseProtocolOperations = {
  oid: 138,
  value: 139
};
var ExtendedResponse = class extends MessageResponse {
  protocolOperation;
  oid;
  value;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_EXTENSION;
    this.oid = options.oid;
    this.value = options.value;
  }
  parseMessage(reader) {
    super.parseMessage(reader);
    if (reader.peek() === ExtendedResponseProtocolOperations.oid) this.oid = reader.readString(ExtendedResponseProtocolOperations.oid) ?? "";
    if (reader.peek() === ExtendedResponseProtocolOperations.value) this.value = reader.readString(ExtendedResponseProtocolOperations.value) ?? void 0;
  }
};
var ModifyDNRequest = class extends Message {
  protocolOperation;
  deleteOldRdn;
  dn;
  newRdn;
  newSuperior;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_MODRDN;
    this.deleteOldRdn = options.deleteOldRdn !== false;
    this.dn = options.dn ?? "";
    this.newRdn = options.newRdn ?? "";
    this.newSuperior = options.newSuperior ?? "";
  }
  writeMessage(writer) {
    writer.writeString(this.dn);
    writer.writeString(this.newRdn);
    writer.writeBoolean(this.deleteOldRdn);
    if (this.newSuperior) writer.writeString(this.newSuperior, 128);
  }
  parseMessage(reader) {
    this.dn = reader.readString() ?? "";
    this.newRdn = reader.readString() ?? "";
    this.deleteOldRdn = reader.readBoolean() ?? false;
    if (reader.peek() === 128) this.newSuperior = reader.readString(128) ?? "";
  }
};
var ModifyDNResponse = class extends MessageResponse {
  protocolOperation;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_MODRDN;
  }
};
var Change = class {
  operation;
  modification;
  constructor(options = { modification: new Attribute() }) {
    this.operation = options.operation ?? "add";
    this.modification = options.modification;
  }
  write(writer) {
    writer.startSequence();
    switch (this.operation) {
      case "add":
        writer.writeEnumeration(0);
        break;
      case "delete":
        writer.writeEnumeration(1);
        break;
      case "replace":
        writer.writeEnumeration(2);
        break;
      default:
        throw new Error(`Unknown change operation: ${this.operation}`);
    }
    this.modification.write(writer);
    writer.endSequence();
  }
  parse(reader) {
    reader.readSequence();
    const operation = reader.readEnumeration();
    switch (operation) {
      case 0:
        this.operation = "add";
        break;
      case 1:
        this.operation = "delete";
        break;
      case 2:
        this.operation = "replace";
        break;
      case null:
        throw new Error(`Unknown change operation - <null> operation value`);
      default:
        throw new Error(`Unknown change operation: 0x${operation.toString(16)}`);
    }
    this.modification = new Attribute();
    this.modification.parse(reader);
  }
};
var ModifyRequest = class extends Message {
  protocolOperation;
  dn;
  changes;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_MODIFY;
    this.dn = options.dn ?? "";
    this.changes = options.changes ?? [];
  }
  writeMessage(writer) {
    writer.writeString(this.dn);
    writer.startSequence();
    for (const change of this.changes) change.write(writer);
    writer.endSequence();
  }
  parseMessage(reader) {
    this.dn = reader.readString() ?? "";
    reader.readSequence();
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const change = new Change();
      change.parse(reader);
      this.changes.push(change);
    }
  }
};
var ModifyResponse = class extends MessageResponse {
  protocolOperation;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_MODIFY;
  }
};
var SearchEntry = class extends MessageResponse {
  protocolOperation;
  name;
  attributes;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_SEARCH_ENTRY;
    this.name = options.name ?? "";
    this.attributes = options.attributes ?? [];
  }
  parseMessage(reader) {
    this.name = reader.readString() ?? "";
    reader.readSequence();
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const attribute = new Attribute();
      attribute.parse(reader);
      this.attributes.push(attribute);
    }
  }
  toObject(requestAttributes, explicitBufferAttributes) {
    const result = { dn: this.name };
    const resultLCAttributes = /* @__PURE__ */ new Set();
    for (const attribute of this.attributes) {
      resultLCAttributes.add(attribute.type.toLocaleLowerCase());
      let { values: values2 } = attribute;
      if (explicitBufferAttributes.includes(attribute.type) || values2.some((value) => Buffer.isBuffer(value))) values2 = attribute.parsedBuffers;
      if (values2.length) if (values2.length === 1) result[attribute.type] = values2[0] ?? [];
      else result[attribute.type] = values2;
      else result[attribute.type] = [];
    }
    for (const attribute of requestAttributes) if (typeof result[attribute] === "undefined" && !resultLCAttributes.has(attribute.toLocaleLowerCase())) result[attribute] = [];
    return result;
  }
};
var SearchReference = class extends MessageResponse {
  protocolOperation;
  uris;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_SEARCH_REF;
    this.uris = options.uris ?? [];
  }
  parseMessage(reader) {
    const end = reader.offset + reader.length;
    while (reader.offset < end) {
      const url = reader.readString() ?? "";
      this.uris.push(url);
    }
  }
};
var FilterParser = class FilterParser2 {
  static parseString(filterString) {
    if (!filterString) throw new Error("Filter cannot be empty");
    if (!filterString.startsWith("(")) filterString = `(${filterString})`;
    const parseResult = FilterParser2._parseString(filterString, 0, filterString);
    const end = filterString.length - 1;
    if (parseResult.end < end) throw new Error(`Unbalanced parens in filter string: ${filterString}`);
    return parseResult.filter;
  }
  static parse(reader) {
    const type = reader.readSequence();
    let filter;
    switch (type) {
      case SearchFilter.and:
        filter = new AndFilter({ filters: FilterParser2._parseSet(reader) });
        break;
      case SearchFilter.approxMatch:
        filter = new ApproximateFilter();
        filter.parse(reader);
        break;
      case SearchFilter.equalityMatch:
        filter = new EqualityFilter();
        filter.parse(reader);
        break;
      case SearchFilter.extensibleMatch:
        filter = new ExtensibleFilter();
        filter.parse(reader);
        break;
      case SearchFilter.greaterOrEqual:
        filter = new GreaterThanEqualsFilter();
        filter.parse(reader);
        break;
      case SearchFilter.lessOrEqual:
        filter = new LessThanEqualsFilter();
        filter.parse(reader);
        break;
      case SearchFilter.not:
        filter = new NotFilter({ filter: FilterParser2.parse(reader) });
        break;
      case SearchFilter.or:
        filter = new OrFilter({ filters: FilterParser2._parseSet(reader) });
        break;
      case SearchFilter.present:
        filter = new PresenceFilter();
        filter.parse(reader);
        break;
      case SearchFilter.substrings:
        filter = new SubstringFilter();
        filter.parse(reader);
        break;
      default:
        throw new Error(`Invalid search filter type: 0x${type ?? "<null>"}`);
    }
    return filter;
  }
  static _parseString(filterString, start, fullString) {
    let cursor = start;
    const { length } = filterString;
    let filter;
    if (filterString[cursor] !== "(") throw new Error(`Missing paren: ${filterString}. Full string: ${fullString}`);
    cursor += 1;
    switch (filterString[cursor]) {
      case "&": {
        cursor += 1;
        const children = [];
        do {
          const childResult = FilterParser2._parseString(filterString, cursor, fullString);
          children.push(childResult.filter);
          cursor = childResult.end + 1;
        } while (cursor < length && filterString[cursor] !== ")");
        filter = new AndFilter({ filters: children });
        break;
      }
      case "|": {
        cursor += 1;
        const children = [];
        do {
          const childResult = FilterParser2._parseString(filterString, cursor, fullString);
          children.push(childResult.filter);
          cursor = childResult.end + 1;
        } while (cursor < length && filterString[cursor] !== ")");
        filter = new OrFilter({ filters: children });
        break;
      }
      case "!": {
        const childResult = FilterParser2._parseString(filterString, cursor + 1, fullString);
        filter = new NotFilter({ filter: childResult.filter });
        cursor = childResult.end + 1;
        break;
      }
      default: {
        const end = filterString.indexOf(")", cursor);
        if (end === -1) throw new Error(`Unbalanced parens: ${filterString}. Full string: ${fullString}`);
        filter = FilterParser2._parseExpressionFilterFromString(filterString.substring(cursor, end));
        cursor = end;
      }
    }
    return {
      end: cursor,
      filter
    };
  }
  static _parseExpressionFilterFromString(filterString) {
    let attribute;
    let remainingExpression;
    if (filterString.startsWith(":")) {
      attribute = "";
      remainingExpression = filterString;
    } else {
      const matches = /^[\w-]+/.exec(filterString);
      if (matches?.length) {
        [attribute] = matches;
        remainingExpression = filterString.slice(attribute.length);
      } else throw new Error(`Invalid attribute name: ${filterString}`);
    }
    if (remainingExpression === "=*") return new PresenceFilter({ attribute });
    if (remainingExpression.startsWith("=")) {
      remainingExpression = remainingExpression.slice(1);
      if (remainingExpression.includes("*")) {
        const escapedExpression = FilterParser2._unescapeSubstring(remainingExpression);
        return new SubstringFilter({
          attribute,
          initial: escapedExpression.initial,
          any: escapedExpression.any,
          final: escapedExpression.final
        });
      }
      return new EqualityFilter({
        attribute,
        value: FilterParser2._unescapeHexValues(remainingExpression)
      });
    }
    if (remainingExpression.startsWith(">") && remainingExpression[1] === "=") return new GreaterThanEqualsFilter({
      attribute,
      value: FilterParser2._unescapeHexValues(remainingExpression.slice(2))
    });
    if (remainingExpression.startsWith("<") && remainingExpression[1] === "=") return new LessThanEqualsFilter({
      attribute,
      value: FilterParser2._unescapeHexValues(remainingExpression.slice(2))
    });
    if (remainingExpression.startsWith("~") && remainingExpression[1] === "=") return new ApproximateFilter({
      attribute,
      value: FilterParser2._unescapeHexValues(remainingExpression.slice(2))
    });
    if (remainingExpression.startsWith(":")) return FilterParser2._parseExtensibleFilterFromString(attribute, remainingExpression);
    throw new Error(`Invalid expression: ${filterString}`);
  }
  static _parseExtensibleFilterFromString(attribute, filterString) {
    let dnAttributes = false;
    let rule;
    const fields = filterString.split(":");
    if (fields.length <= 1) throw new Error(`Invalid extensible filter: ${filterString}`);
    fields.shift();
    if (fields[0]?.toLowerCase() === "dn") {
      dnAttributes = true;
      fields.shift();
    }
    if (fields.length && !fields[0]?.startsWith("=")) rule = fields.shift();
    if (fields.length && !fields[0]?.startsWith("=")) throw new Error(`Missing := in extensible filter: ${filterString}`);
    const remainingExpression = fields.join(":").slice(1);
    return new ExtensibleFilter({
      matchType: attribute,
      dnAttributes,
      rule,
      value: FilterParser2._unescapeHexValues(remainingExpression)
    });
  }
  static _unescapeHexValues(input) {
    let index = 0;
    const end = input.length;
    let result = "";
    while (index < end) {
      const char = input[index];
      switch (char) {
        case "(":
          throw new Error(`Illegal unescaped character: ${char} in value: ${input}`);
        case "\\": {
          const value = input.slice(index + 1, index + 3);
          if (/^[\dA-Fa-f]{2}$/.exec(value) === null) throw new Error(`Invalid escaped hex character: ${value} in value: ${input}`);
          result += String.fromCharCode(Number.parseInt(value, 16));
          index += 3;
          break;
        }
        default:
          if (char) result += char;
          index += 1;
          break;
      }
    }
    return result;
  }
  static _unescapeSubstring(input) {
    const fields = input.split("*");
    if (fields.length < 2) throw new Error(`Wildcard missing: ${input}`);
    return {
      initial: FilterParser2._unescapeHexValues(fields.shift() ?? ""),
      final: FilterParser2._unescapeHexValues(fields.pop() ?? ""),
      any: fields.map((field) => FilterParser2._unescapeHexValues(field))
    };
  }
  static _parseSet(reader) {
    const filters = [];
    const end = reader.offset + reader.length;
    while (reader.offset < end) filters.push(FilterParser2.parse(reader));
    return filters;
  }
};
var SearchRequest = class extends Message {
  protocolOperation;
  baseDN;
  scope;
  derefAliases;
  sizeLimit;
  timeLimit;
  returnAttributeValues;
  filter;
  attributes;
  explicitBufferAttributes;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_SEARCH;
    this.baseDN = options.baseDN ?? "";
    this.scope = options.scope ?? "sub";
    this.derefAliases = options.derefAliases ?? "never";
    this.sizeLimit = options.sizeLimit ?? 0;
    this.timeLimit = options.timeLimit ?? 10;
    this.returnAttributeValues = options.returnAttributeValues !== false;
    this.filter = options.filter;
    this.attributes = options.attributes ?? [];
    this.explicitBufferAttributes = options.explicitBufferAttributes ?? [];
  }
  writeMessage(writer) {
    writer.writeString(this.baseDN);
    switch (this.scope) {
      case "base":
        writer.writeEnumeration(0);
        break;
      case "one":
        writer.writeEnumeration(1);
        break;
      case "sub":
        writer.writeEnumeration(2);
        break;
      case "children":
      case "subordinates":
        writer.writeEnumeration(3);
        break;
      default:
        throw new Error(`Invalid search scope: ${this.scope}`);
    }
    switch (this.derefAliases) {
      case "never":
        writer.writeEnumeration(0);
        break;
      case "search":
        writer.writeEnumeration(1);
        break;
      case "find":
        writer.writeEnumeration(2);
        break;
      case "always":
        writer.writeEnumeration(3);
        break;
      default:
        throw new Error(`Invalid deref alias: ${this.derefAliases}`);
    }
    writer.writeInt(this.sizeLimit);
    writer.writeInt(this.timeLimit);
    writer.writeBoolean(!this.returnAttributeValues);
    this.filter.write(writer);
    writer.startSequence();
    for (const attribute of this.attributes) writer.writeString(attribute);
    writer.endSequence();
  }
  parseMessage(reader) {
    this.baseDN = reader.readString() ?? "";
    const scope = reader.readEnumeration();
    switch (scope) {
      case 0:
        this.scope = "base";
        break;
      case 1:
        this.scope = "one";
        break;
      case 2:
        this.scope = "sub";
        break;
      case 3:
        this.scope = "children";
        break;
      default:
        throw new Error(`Invalid search scope: ${scope ?? "<null>"}`);
    }
    const derefAliases = reader.readEnumeration();
    switch (scope) {
      case 0:
        this.derefAliases = "never";
        break;
      case 1:
        this.derefAliases = "search";
        break;
      case 2:
        this.derefAliases = "find";
        break;
      case 3:
        this.derefAliases = "always";
        break;
      default:
        throw new Error(`Invalid deref alias: ${derefAliases ?? "<null>"}`);
    }
    this.sizeLimit = reader.readInt() ?? 0;
    this.timeLimit = reader.readInt() ?? 0;
    this.returnAttributeValues = !(reader.readBoolean() ?? false);
    this.filter = FilterParser.parse(reader);
    if (reader.peek() === 48) {
      reader.readSequence();
      const end = reader.offset + reader.length;
      while (reader.offset < end) this.attributes.push((reader.readString() ?? "").toLowerCase());
    }
  }
};
var SearchResponse = class extends MessageResponse {
  protocolOperation;
  searchEntries;
  searchReferences;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_RES_SEARCH;
    this.searchEntries = options.searchEntries ?? [];
    this.searchReferences = options.searchReferences ?? [];
  }
};
var UnbindRequest = class extends Message {
  protocolOperation;
  constructor(options) {
    super(options);
    this.protocolOperation = ProtocolOperation.LDAP_REQ_UNBIND;
  }
};
var TypedEventEmitter = EventEmitter;
var MessageParser = class extends TypedEventEmitter {
  buffer;
  read(data, messageDetailsByMessageId) {
    let nextMessage;
    if (this.buffer) this.buffer = Buffer.concat([this.buffer, data]);
    else this.buffer = data;
    const reader = new BerReader(this.buffer);
    let foundSequence = null;
    try {
      foundSequence = reader.readSequence();
    } catch (ex) {
      this.emit("error", ex);
    }
    if (!foundSequence || reader.remain < reader.length) return;
    if (reader.remain > reader.length) {
      nextMessage = this.buffer.subarray(reader.offset + reader.length);
      reader.setBufferSize(reader.offset + reader.length);
    }
    delete this.buffer;
    let messageId;
    let protocolOperation;
    try {
      messageId = reader.readInt();
      if (messageId == null) throw new Error(`Unable to read message id`);
      protocolOperation = reader.readSequence();
      if (protocolOperation == null) throw new Error(`Unable to read protocol operation sequence for message: ${messageId}`);
      const messageDetails = messageDetailsByMessageId.get(`${messageId}`);
      const message = this._getMessageFromProtocolOperation(messageId, protocolOperation, reader, messageDetails?.message);
      this.emit("message", message);
    } catch (ex) {
      if (messageId) {
        const errorWithMessageDetails = ex;
        errorWithMessageDetails.messageDetails = { messageId };
        if (protocolOperation) errorWithMessageDetails.messageDetails.protocolOperation = protocolOperation;
        this.emit("error", errorWithMessageDetails);
        return;
      }
      this.emit("error", ex);
      return;
    }
    if (nextMessage) this.read(nextMessage, messageDetailsByMessageId);
  }
  _getMessageFromProtocolOperation(messageId, protocolOperation, reader, messageDetails) {
    let message;
    switch (protocolOperation) {
      case ProtocolOperation.LDAP_RES_BIND:
        message = new BindResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_ADD:
        message = new AddResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_COMPARE:
        message = new CompareResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_DELETE:
        message = new DeleteResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_EXTENSION:
        message = new ExtendedResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_MODRDN:
        message = new ModifyDNResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_MODIFY:
        message = new ModifyResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_SEARCH:
        message = new SearchResponse({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_SEARCH_ENTRY:
        message = new SearchEntry({ messageId });
        break;
      case ProtocolOperation.LDAP_RES_SEARCH_REF:
        message = new SearchReference({ messageId });
        break;
      default: {
        const error = new MessageParserError(`Protocol Operation not supported: 0x${protocolOperation.toString(16)}`);
        error.messageDetails = {
          messageId,
          protocolOperation
        };
        throw error;
      }
    }
    message.parse(reader, messageDetails?.controls ?? []);
    return message;
  }
};
var MessageResponseStatus = {
  Success: 0,
  SizeLimitExceeded: 4
};
var StatusCodeParser = class {
  static parse(result) {
    if (!result) return new NoResultError();
    switch (result.status) {
      case 1:
        return new OperationsError(result.errorMessage);
      case 2:
        return new ProtocolError(result.errorMessage);
      case 3:
        return new TimeLimitExceededError(result.errorMessage);
      case 4:
        return new SizeLimitExceededError(result.errorMessage);
      case 7:
        return new AuthMethodNotSupportedError(result.errorMessage);
      case 8:
        return new StrongAuthRequiredError(result.errorMessage);
      case 11:
        return new AdminLimitExceededError(result.errorMessage);
      case 12:
        return new UnavailableCriticalExtensionError(result.errorMessage);
      case 13:
        return new ConfidentialityRequiredError(result.errorMessage);
      case 14:
        return new SaslBindInProgressError(result);
      case 16:
        return new NoSuchAttributeError(result.errorMessage);
      case 17:
        return new UndefinedTypeError(result.errorMessage);
      case 18:
        return new InappropriateMatchingError(result.errorMessage);
      case 19:
        return new ConstraintViolationError(result.errorMessage);
      case 20:
        return new TypeOrValueExistsError(result.errorMessage);
      case 21:
        return new InvalidSyntaxError(result.errorMessage);
      case 32:
        return new NoSuchObjectError(result.errorMessage);
      case 33:
        return new AliasProblemError(result.errorMessage);
      case 34:
        return new InvalidDNSyntaxError(result.errorMessage);
      case 35:
        return new IsLeafError(result.errorMessage);
      case 36:
        return new AliasDerefProblemError(result.errorMessage);
      case 48:
        return new InappropriateAuthError(result.errorMessage);
      case 49:
        return new InvalidCredentialsError(result.errorMessage);
      case 50:
        return new InsufficientAccessError(result.errorMessage);
      case 51:
        return new BusyError(result.errorMessage);
      case 52:
        return new UnavailableError(result.errorMessage);
      case 53:
        return new UnwillingToPerformError(result.errorMessage);
      case 54:
        return new LoopDetectError(result.errorMessage);
      case 64:
        return new NamingViolationError(result.errorMessage);
      case 65:
        return new ObjectClassViolationError(result.errorMessage);
      case 66:
        return new NotAllowedOnNonLeafError(result.errorMessage);
      case 67:
        return new NotAllowedOnRDNError(result.errorMessage);
      case 68:
        return new AlreadyExistsError(result.errorMessage);
      case 69:
        return new NoObjectClassModsError(result.errorMessage);
      case 70:
        return new ResultsTooLargeError(result.errorMessage);
      case 71:
        return new AffectsMultipleDSAsError(result.errorMessage);
      case 95:
        return new MoreResultsToReturnError(result.errorMessage);
      case 112:
        return new TLSNotSupportedError(result.errorMessage);
      case 248:
        return new NoResultError(result.errorMessage);
      default:
        return new UnknownStatusCodeError(result.status, result.errorMessage);
    }
  }
};
var MAX_MESSAGE_ID = 2 ** 31 - 1;
var logDebug = debuglog("ldapts");
Symbol.asyncDispose ??= /* @__PURE__ */ Symbol("Symbol.asyncDispose");
var Client = class {
  clientOptions;
  messageId = 1;
  host;
  port;
  secure;
  connected = false;
  bound = false;
  startTLSUpgraded = false;
  rebind;
  socket;
  connectTimer;
  messageParser = new MessageParser();
  messageDetailsByMessageId = /* @__PURE__ */ new Map();
  constructor(options) {
    this.clientOptions = options;
    this.clientOptions.timeout ??= 0;
    this.clientOptions.connectTimeout ??= 0;
    this.clientOptions.strictDN = this.clientOptions.strictDN !== false;
    let parsedUrl;
    try {
      parsedUrl = new URL(options.url);
    } catch {
      throw new Error(`${options.url} is an invalid LDAP URL (protocol)`);
    }
    const scheme = parsedUrl.protocol.replace(/:$/, "");
    if (scheme !== "ldap" && scheme !== "ldaps") throw new Error(`${options.url} is an invalid LDAP URL (protocol)`);
    const isSecureProtocol = scheme === "ldaps";
    const hasTlsOptions = !!this.clientOptions.tlsOptions && Object.values(this.clientOptions.tlsOptions).some((value) => value !== void 0);
    this.secure = isSecureProtocol || hasTlsOptions;
    let host = parsedUrl.hostname;
    if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
    this.host = host || "localhost";
    if (parsedUrl.port) this.port = Number(parsedUrl.port);
    else if (isSecureProtocol) this.port = 636;
    else this.port = 389;
    this.messageParser.on("error", (err) => {
      if (err.messageDetails?.messageId) {
        const messageDetails = this.messageDetailsByMessageId.get(err.messageDetails.messageId.toString());
        if (messageDetails) {
          this.messageDetailsByMessageId.delete(err.messageDetails.messageId.toString());
          messageDetails.reject(err);
          return;
        }
      }
      if (err.stack) logDebug(err.stack);
    });
    this.messageParser.on("message", this._handleSendResponse.bind(this));
  }
  get isConnected() {
    return !!this.socket && this.connected;
  }
  /**
  * True when the current connection has successfully bound. Becomes false when the connection
  * is closed or re-established, which makes it possible to detect a connection that was
  * transparently reconnected but is no longer authenticated.
  * @returns {boolean} True if the current connection is authenticated
  */
  get isBound() {
    return this.isConnected && this.bound;
  }
  async startTLS(options = {}, controls) {
    if (!this.isConnected) await this._connect();
    await this.exop("1.3.6.1.4.1.1466.20037", void 0, controls);
    const originalSocket = this.socket;
    if (originalSocket) {
      originalSocket.removeListener("data", this.socketDataHandler);
      options.socket = originalSocket;
    }
    this.socket = await new Promise((resolve, reject) => {
      const secureSocket = (this.clientOptions.createSecureConnection ?? tls.connect)(options);
      secureSocket.once("secureConnect", () => {
        secureSocket.removeAllListeners("error");
        secureSocket.on("data", this.socketDataHandler);
        secureSocket.on("error", () => {
          if (originalSocket) originalSocket.destroy();
        });
        resolve(secureSocket);
      });
      secureSocket.once("error", (err) => {
        secureSocket.removeAllListeners();
        reject(err);
      });
    });
    if (originalSocket) this.socket.id = originalSocket.id;
    this.startTLSUpgraded = true;
  }
  /**
  * Performs a simple or sasl authentication against the server.
  * @param {string|DN|SaslMechanism} dnOrSaslMechanism
  * @param {string} [password]
  * @param {Control|Control[]} [controls]
  */
  async bind(dnOrSaslMechanism, password, controls) {
    if (controls && !Array.isArray(controls)) controls = [controls];
    if (typeof dnOrSaslMechanism === "string" && SASL_MECHANISMS.includes(dnOrSaslMechanism)) {
      await this.bindSASL(dnOrSaslMechanism, password, controls);
      return;
    }
    const req = new BindRequest({
      messageId: this._nextMessageId(),
      dn: typeof dnOrSaslMechanism === "string" ? dnOrSaslMechanism : dnOrSaslMechanism.toString(),
      password,
      controls
    });
    await this._sendBind(req);
    this._onBindSuccess(() => this.bind(dnOrSaslMechanism, password, controls));
  }
  /**
  * Performs a sasl authentication against the server.
  * @param {string|SaslMechanism} mechanism
  * @param {string} [password]
  * @param {Control|Control[]} [controls]
  */
  async bindSASL(mechanism, password, controls) {
    if (controls && !Array.isArray(controls)) controls = [controls];
    const req = new BindRequest({
      messageId: this._nextMessageId(),
      mechanism,
      password,
      controls
    });
    await this._sendBind(req);
    this._onBindSuccess(() => this.bindSASL(mechanism, password, controls));
  }
  /**
  * Used to create a new entry in the directory
  * @param {string|DN} dn - The DN of the entry to add
  * @param {Attribute[]|object} attributes - Array of attributes or object where keys are the name of each attribute
  * @param {Control|Control[]} [controls]
  */
  async add(dn, attributes, controls) {
    await this._ensureConnected();
    if (controls && !Array.isArray(controls)) controls = [controls];
    let attributesToAdd;
    if (Array.isArray(attributes)) attributesToAdd = attributes;
    else {
      attributesToAdd = [];
      for (const [key, value] of Object.entries(attributes)) {
        let values2;
        if (Array.isArray(value)) values2 = value;
        else if (value == null) values2 = [];
        else values2 = [value];
        attributesToAdd.push(new Attribute({
          type: key,
          values: values2
        }));
      }
    }
    const req = new AddRequest({
      messageId: this._nextMessageId(),
      dn: typeof dn === "string" ? dn : dn.toString(),
      attributes: attributesToAdd,
      controls
    });
    const result = await this._send(req);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
  }
  /**
  * Compares an attribute/value pair with an entry on the LDAP server.
  * @param {string|DN} dn - The DN of the entry to compare attributes with
  * @param {string} attribute
  * @param {string} value
  * @param {Control|Control[]} [controls]
  * @returns true if attribute and value match; otherwise false
  */
  async compare(dn, attribute, value, controls) {
    await this._ensureConnected();
    if (controls && !Array.isArray(controls)) controls = [controls];
    const req = new CompareRequest({
      messageId: this._nextMessageId(),
      dn: typeof dn === "string" ? dn : dn.toString(),
      attribute,
      value,
      controls
    });
    const response = await this._send(req);
    switch (response?.status) {
      case 6:
        return true;
      case 5:
        return false;
      default:
        throw StatusCodeParser.parse(response);
    }
  }
  /**
  * Deletes an entry from the LDAP server.
  * @param {string|DN} dn - The DN of the entry to delete
  * @param {Control|Control[]} [controls]
  */
  async del(dn, controls) {
    await this._ensureConnected();
    if (controls && !Array.isArray(controls)) controls = [controls];
    const req = new DeleteRequest({
      messageId: this._nextMessageId(),
      dn: typeof dn === "string" ? dn : dn.toString(),
      controls
    });
    const result = await this._send(req);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
  }
  /**
  * Performs an extended operation on the LDAP server.
  * @param {string} oid - The object identifier (OID) of the extended operation to perform
  * @param {string|Buffer} [value]
  * @param {Control|Control[]} [controls]
  * @returns exop result
  */
  async exop(oid, value, controls) {
    await this._ensureConnected();
    if (controls && !Array.isArray(controls)) controls = [controls];
    const req = new ExtendedRequest({
      messageId: this._nextMessageId(),
      oid,
      value,
      controls
    });
    const result = await this._send(req);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
    return {
      oid: result.oid,
      value: result.value
    };
  }
  /**
  * Performs an LDAP modify against the server.
  * @param {string|DN} dn - The DN of the entry to modify
  * @param {Change|Change[]} changes
  * @param {Control|Control[]} [controls]
  */
  async modify(dn, changes, controls) {
    await this._ensureConnected();
    if (!Array.isArray(changes)) changes = [changes];
    if (controls && !Array.isArray(controls)) controls = [controls];
    const req = new ModifyRequest({
      messageId: this._nextMessageId(),
      dn: typeof dn === "string" ? dn : dn.toString(),
      changes,
      controls
    });
    const result = await this._send(req);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
  }
  /**
  * Performs an LDAP modifyDN against the server.
  * @param {string|DN} dn - The DN of the entry to modify
  * @param {string|DN} newDN - The new DN to move this entry to
  * @param {Control|Control[]} [controls]
  */
  async modifyDN(dn, newDN, controls) {
    await this._ensureConnected();
    if (controls && !Array.isArray(controls)) controls = [controls];
    let newSuperior;
    if (typeof newDN === "string" && /[^\\],/.test(newDN)) {
      const parseIndex = newDN.search(/[^\\],/);
      newSuperior = newDN.slice(parseIndex + 2);
      newDN = newDN.slice(0, parseIndex + 1);
    }
    const req = new ModifyDNRequest({
      messageId: this._nextMessageId(),
      dn: typeof dn === "string" ? dn : dn.toString(),
      deleteOldRdn: true,
      newRdn: typeof newDN === "string" ? newDN : newDN.toString(),
      newSuperior,
      controls
    });
    const result = await this._send(req);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
  }
  /**
  * Performs an LDAP search against the server.
  * @param {string|DN} baseDN - This specifies the base of the subtree in which the search is to be constrained.
  * @param {SearchOptions} [options]
  * @param {string|Filter} [options.filter] - The filter of the search request. It must conform to the LDAP filter syntax specified in RFC4515. Defaults to (objectclass=*)
  * @param {string} [options.scope] - Specifies how broad the search context is:
  * - base - Indicates that only the entry specified as the search base should be considered. None of its subordinates will be considered.
  * - one - Indicates that only the immediate children of the entry specified as the search base should be considered. The base entry itself should not be considered, nor any descendants of the immediate children of the base entry.
  * - sub - Indicates that the entry specified as the search base, and all of its subordinates to any depth, should be considered.
  * - children or subordinates - Indicates that the entry specified by the search base should not be considered, but all of its subordinates to any depth should be considered.
  * @param {string} [options.derefAliases] - Specifies how the server must treat references to other entries:
  * - never - Never dereferences entries, returns alias objects instead. The alias contains the reference to the real entry.
  * - always - Always returns the referenced entries, not the alias object.
  * - search - While searching subordinates of the base object, dereferences any alias within the search scope. Dereferenced objects become the bases of further search scopes where the Search operation is also applied by the server. The server should eliminate duplicate entries that arise due to alias dereferencing while searching.
  * - find - Dereferences aliases in locating the base object of the search, but not when searching subordinates of the base object.
  * @param {boolean} [options.returnAttributeValues] - If true, attribute values should be included in the entries that are returned; otherwise entries that match the search criteria should be returned containing only the attribute descriptions for the attributes contained in that entry but should not include the values for those attributes.
  * @param {number} [options.sizeLimit] - This specifies the maximum number of entries that should be returned from the search. A value of zero indicates no limit. Note that the server may also impose a size limit for the search operation, and in that case the smaller of the client-requested and server-imposed size limits will be enforced.
  * @param {number} [options.timeLimit] - This specifies the maximum length of time, in seconds, that the server should spend processing the search. A value of zero indicates no limit. Note that the server may also impose a time limit for the search operation, and in that case the smaller of the client-requested and server-imposed time limits will be enforced.
  * @param {boolean|SearchPageOptions} [options.paged] - Used to allow paging and specify the page size
  * @param {string[]} [options.attributes] - A set of attributes to request for inclusion in entries that match the search criteria and are returned to the client. If a specific set of attribute descriptions are listed, then only those attributes should be included in matching entries. The special value “*” indicates that all user attributes should be included in matching entries. The special value “+” indicates that all operational attributes should be included in matching entries. The special value “1.1” indicates that no attributes should be included in matching entries. Some servers may also support the ability to use the “@” symbol followed by an object class name (e.g., “@inetOrgPerson”) to request all attributes associated with that object class. If the set of attributes to request is empty, then the server should behave as if the value “*” was specified to request that all user attributes be included in entries that are returned.
  * @param {string[]} [options.explicitBufferAttributes] - List of attributes to explicitly return as buffers
  * @param {Control|Control[]} [controls]
  * @returns {Promise<SearchResult>}
  */
  async search(baseDN, options = {}, controls) {
    await this._ensureConnected();
    if (controls) {
      if (Array.isArray(controls)) controls = controls.slice(0);
      else controls = [controls];
      for (const control of controls) if (control instanceof PagedResultsControl) throw new Error("Should not specify PagedResultsControl");
    } else controls = [];
    let pageSize = 100;
    if (typeof options.paged === "object" && options.paged.pageSize) pageSize = options.paged.pageSize;
    else if (options.sizeLimit && options.sizeLimit > 1) pageSize = options.sizeLimit - 1;
    let pagedResultsControl;
    const shouldPage = !!options.paged;
    if (shouldPage) {
      pagedResultsControl = new PagedResultsControl({ value: { size: pageSize } });
      controls.push(pagedResultsControl);
    }
    let filter;
    if (options.filter) if (typeof options.filter === "string") filter = FilterParser.parseString(options.filter);
    else filter = options.filter;
    else filter = new PresenceFilter({ attribute: "objectclass" });
    const searchRequest = new SearchRequest({
      messageId: -1,
      baseDN: typeof baseDN === "string" ? baseDN : baseDN.toString(),
      scope: options.scope,
      filter,
      attributes: options.attributes,
      explicitBufferAttributes: options.explicitBufferAttributes,
      returnAttributeValues: options.returnAttributeValues,
      sizeLimit: options.sizeLimit,
      timeLimit: options.timeLimit,
      controls
    });
    const searchResult = {
      searchEntries: [],
      searchReferences: []
    };
    await this._sendSearch(searchRequest, searchResult, shouldPage, pageSize, pagedResultsControl);
    return searchResult;
  }
  async *searchPaginated(baseDN, options = {}, controls) {
    await this._ensureConnected();
    if (controls) {
      if (Array.isArray(controls)) controls = controls.slice(0);
      else controls = [controls];
      for (const control of controls) if (control instanceof PagedResultsControl) throw new Error("Should not specify PagedResultsControl");
    } else controls = [];
    let pageSize = 100;
    if (typeof options.paged === "object" && options.paged.pageSize) pageSize = options.paged.pageSize;
    else if (options.sizeLimit && options.sizeLimit > 1) pageSize = options.sizeLimit - 1;
    let pagedResultsControl;
    pagedResultsControl = new PagedResultsControl({ value: { size: pageSize } });
    controls.push(pagedResultsControl);
    let filter;
    if (options.filter) if (typeof options.filter === "string") filter = FilterParser.parseString(options.filter);
    else filter = options.filter;
    else filter = new PresenceFilter({ attribute: "objectclass" });
    const searchRequest = new SearchRequest({
      messageId: -1,
      baseDN: typeof baseDN === "string" ? baseDN : baseDN.toString(),
      scope: options.scope,
      filter,
      attributes: options.attributes,
      explicitBufferAttributes: options.explicitBufferAttributes,
      returnAttributeValues: options.returnAttributeValues,
      sizeLimit: options.sizeLimit,
      timeLimit: options.timeLimit,
      controls
    });
    do {
      const searchResult = {
        searchEntries: [],
        searchReferences: []
      };
      pagedResultsControl = await this._sendSearch(searchRequest, searchResult, true, pageSize, pagedResultsControl, false);
      yield searchResult;
    } while (pagedResultsControl);
  }
  /**
  * Unbinds this client from the LDAP server.
  * @returns {void|Promise} void if not connected; otherwise returns a promise to the request to disconnect
  */
  async unbind() {
    try {
      this.rebind = void 0;
      if (!this.connected || !this.socket) return;
      const req = new UnbindRequest({ messageId: this._nextMessageId() });
      await this._send(req);
    } finally {
      this._destroySocket(this.socket);
    }
  }
  [Symbol.asyncDispose]() {
    return this.unbind();
  }
  async _sendBind(req) {
    if (!this.isConnected) await this._connect();
    const result = await this._send(req);
    if (result?.status !== MessageResponseStatus.Success) throw StatusCodeParser.parse(result);
  }
  async _sendSearch(searchRequest, searchResult, paged, pageSize, pagedResultsControl, fetchAll = true) {
    searchRequest.messageId = this._nextMessageId();
    const result = await this._send(searchRequest);
    if (result?.status !== MessageResponseStatus.Success && !(result?.status === MessageResponseStatus.SizeLimitExceeded && searchRequest.sizeLimit)) throw StatusCodeParser.parse(result);
    for (const searchEntry of result.searchEntries) searchResult.searchEntries.push(searchEntry.toObject(searchRequest.attributes, searchRequest.explicitBufferAttributes));
    for (const searchReference of result.searchReferences) searchResult.searchReferences.push(...searchReference.uris);
    if (paged && (result.searchEntries.length || result.searchReferences.length) && pagedResultsControl) {
      let pagedResultsFromResponse;
      for (const control of result.controls ?? []) if (control instanceof PagedResultsControl) {
        pagedResultsFromResponse = control;
        break;
      }
      if (pagedResultsFromResponse?.value?.cookie?.length) {
        pagedResultsControl.value = pagedResultsControl.value ?? { size: pageSize };
        pagedResultsControl.value.cookie = pagedResultsFromResponse.value.cookie;
        if (fetchAll) await this._sendSearch(searchRequest, searchResult, paged, pageSize, pagedResultsControl, true);
        else return pagedResultsControl;
      }
    }
  }
  socketDataHandler = (data) => {
    if (this.messageParser) this.messageParser.read(data, this.messageDetailsByMessageId);
  };
  _nextMessageId() {
    this.messageId += 1;
    if (this.messageId >= MAX_MESSAGE_ID) this.messageId = 1;
    return this.messageId;
  }
  /**
  * Records a successful bind and, when autoRebind is enabled, remembers how to replay it after
  * a transparent reconnect. Binds on a startTLS-upgraded session are not replayed: the rebind
  * happens before the fresh connection could be upgraded again, so replaying would downgrade
  * the security of the credentials.
  * @param {Function} rebind - Replays the bind that just succeeded
  * @private
  */
  _onBindSuccess(rebind) {
    this.bound = true;
    if (this.clientOptions.autoRebind && !this.startTLSUpgraded) this.rebind = rebind;
  }
  /**
  * Ensures the socket connection is established and, when autoRebind is enabled, replays the
  * last successful bind on a freshly re-established connection.
  * @returns {Promise<void>}
  * @private
  */
  async _ensureConnected() {
    if (this.isConnected) return;
    await this._connect();
    if (this.rebind && !this.bound) await this.rebind();
  }
  /**
  * Open the socket connection
  * @returns {Promise<void>|void}
  * @private
  */
  _connect() {
    if (this.isConnected) return;
    return new Promise((resolve, reject) => {
      if (this.secure) {
        const createSecureConnection = this.clientOptions.createSecureConnection ?? tls.connect;
        this.socket = createSecureConnection(this.port, this.host, this.clientOptions.tlsOptions);
        this.socket.id = crypto.randomUUID();
        this.socket.once("secureConnect", () => {
          this._onConnect(resolve);
        });
      } else {
        const createConnection = this.clientOptions.createConnection ?? net.connect;
        this.socket = createConnection(this.port, this.host);
        this.socket.id = crypto.randomUUID();
        this.socket.once("connect", () => {
          this._onConnect(resolve);
        });
      }
      this.socket.once("error", (err) => {
        this._destroySocket(this.socket);
        reject(err);
      });
      if (!this.socket.connecting && this.socket.readyState === "open") {
        this._onConnect(resolve);
        return;
      }
      if (this.clientOptions.connectTimeout) this.connectTimer = setTimeout(() => {
        this._destroySocket(this.socket);
        reject(/* @__PURE__ */ new Error("Connection timeout"));
      }, this.clientOptions.connectTimeout);
    });
  }
  _onConnect(next) {
    if (this.connectTimer) {
      clearTimeout(this.connectTimer);
      this.connectTimer = void 0;
    }
    if (this.socket) {
      this.socket.removeAllListeners("error");
      this.socket.removeAllListeners("connect");
      this.socket.removeAllListeners("secureConnect");
    }
    this.connected = true;
    const socketError = (err) => {
      for (const [key, messageDetails] of this.messageDetailsByMessageId.entries()) {
        if (messageDetails.message instanceof UnbindRequest) messageDetails.resolve();
        else messageDetails.reject(/* @__PURE__ */ new Error(`Socket error. Message type: ${messageDetails.message.constructor.name} (0x${messageDetails.message.protocolOperation.toString(16)})
${err.message || (err.stack ?? "Unknown socket error")}`));
        this.messageDetailsByMessageId.delete(key);
      }
      if (this.socket) this.socket.destroy();
    };
    function socketEnd() {
      if (this) this.end();
    }
    function socketTimeout() {
      if (this) this.end();
    }
    const clientInstance = this;
    function socketClose() {
      if (this) {
        this.removeListener("error", socketError);
        this.removeListener("close", socketClose);
        this.removeListener("data", clientInstance.socketDataHandler);
        this.removeListener("end", socketEnd);
        this.removeListener("timeout", socketTimeout);
      }
      if (this === clientInstance.socket) {
        clientInstance.connected = false;
        clientInstance.bound = false;
        clientInstance.startTLSUpgraded = false;
        delete clientInstance.socket;
        if (clientInstance.connectTimer) {
          clearTimeout(clientInstance.connectTimer);
          clientInstance.connectTimer = void 0;
        }
      }
      for (const [key, messageDetails] of clientInstance.messageDetailsByMessageId.entries()) if (messageDetails.socket.id === this.id) {
        if (messageDetails.message instanceof UnbindRequest) messageDetails.resolve();
        else messageDetails.reject(/* @__PURE__ */ new Error(`Connection closed before message response was received. Message type: ${messageDetails.message.constructor.name} (0x${messageDetails.message.protocolOperation.toString(16)})`));
        clientInstance.messageDetailsByMessageId.delete(key);
      }
    }
    if (this.socket) {
      this.socket.on("error", socketError);
      this.socket.on("close", socketClose);
      this.socket.on("data", this.socketDataHandler);
      this.socket.on("end", socketEnd);
      this.socket.on("timeout", socketTimeout);
    }
    next();
  }
  _destroySocket(socket) {
    if (socket) {
      if (this.connectTimer) {
        clearTimeout(this.connectTimer);
        this.connectTimer = void 0;
      }
      socket.removeAllListeners("error");
      socket.on("error", () => {
      });
      socket.end();
      socket.destroy();
      if (socket === this.socket) {
        this.connected = false;
        this.bound = false;
        this.startTLSUpgraded = false;
        this.socket = void 0;
      }
    }
  }
  /**
  * Sends request message to the ldap server over the connected socket. Each message request is given a
  * unique id (messageId), used to identify the associated response when it is sent back over the socket.
  * @returns {Promise<Message>}
  * @private
  * @param {object} message
  */
  _send(message) {
    if (!this.connected || !this.socket) throw new Error("Socket connection not established");
    const messageContentBuffer = message.write();
    let messageResolve = () => {
    };
    let messageReject = () => {
    };
    const messageTimeoutId = this.clientOptions.timeout ? setTimeout(() => {
      const messageDetails = this.messageDetailsByMessageId.get(message.messageId.toString());
      if (messageDetails) {
        this._destroySocket(messageDetails.socket);
        messageReject(/* @__PURE__ */ new Error(`${message.constructor.name}: Operation timed out`));
      }
    }, this.clientOptions.timeout) : null;
    const sendPromise = new Promise((resolve, reject) => {
      messageResolve = resolve;
      messageReject = reject;
    }).finally(() => {
      if (messageTimeoutId) clearTimeout(messageTimeoutId);
    });
    this.messageDetailsByMessageId.set(message.messageId.toString(), {
      message,
      resolve: messageResolve,
      reject: messageReject,
      timeoutTimer: messageTimeoutId,
      socket: this.socket
    });
    if (message.password) logDebug(`Sending message: ${JSON.stringify({
      ...message,
      password: "__redacted__"
    })}`);
    else logDebug(`Sending message: ${JSON.stringify(message)}`);
    this.socket.write(messageContentBuffer, () => {
      if (message instanceof AbandonRequest) {
        logDebug(`Abandoned message: ${message.messageId}`);
        this.messageDetailsByMessageId.delete(message.messageId.toString());
        messageResolve();
      } else if (message instanceof UnbindRequest) {
        logDebug("Unbind success. Ending socket");
        if (this.socket) this._destroySocket(this.socket);
      } else logDebug("Message sent successfully.");
    });
    return sendPromise;
  }
  _handleSendResponse(message) {
    const messageDetails = this.messageDetailsByMessageId.get(message.messageId.toString());
    if (messageDetails) if (message instanceof SearchEntry) {
      messageDetails.searchEntries = messageDetails.searchEntries ?? [];
      messageDetails.searchEntries.push(message);
    } else if (message instanceof SearchReference) {
      messageDetails.searchReferences = messageDetails.searchReferences ?? [];
      messageDetails.searchReferences.push(message);
    } else if (message instanceof SearchResponse) {
      if (messageDetails.searchEntries) message.searchEntries.push(...messageDetails.searchEntries);
      if (messageDetails.searchReferences) message.searchReferences.push(...messageDetails.searchReferences);
      this.messageDetailsByMessageId.delete(message.messageId.toString());
      messageDetails.resolve(message);
    } else {
      this.messageDetailsByMessageId.delete(message.messageId.toString());
      messageDetails.resolve(message);
    }
    else logDebug(`Unable to find details related to message response: ${JSON.stringify(message)}`);
  }
};

// src/sync/targets/ldap/desired.ts
var LDAP_OBJECT_TYPES = [
  { name: "entry", class: "identity" },
  { name: "group", class: "container" },
  { name: "membership", class: "grant" }
];
var AGENT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
var ENTITLEMENT = /^[A-Za-z0-9._:*-]{1,128}$/;
function membershipId(entitlement, agent) {
  return `${entitlement}/${agent}`;
}
function groupKey(entitlement) {
  return `group/${entitlement}`;
}
function isAgentName(name) {
  return AGENT_NAME.test(name);
}
function isEntitlementName(name) {
  return ENTITLEMENT.test(name);
}
function defaultEntitlement(system, resource, action) {
  return `${system}.${resource}.${action}`;
}
function desiredLdapObjects(input) {
  const objects = [];
  const groups = /* @__PURE__ */ new Map();
  for (const agent of input.agents) {
    if (!isAgentName(agent.name)) {
      throw new Error(`ldap: agent name ${JSON.stringify(agent.name)} cannot be used as a uid`);
    }
    objects.push({
      type: "entry",
      id: agent.name,
      agent: agent.name,
      attributes: { enabled: agent.status === "active" }
    });
    const held = /* @__PURE__ */ new Set();
    for (const p of agent.permissions) {
      if (!p.performs || p.permissions.length === 0) continue;
      for (const entitlement of p.permissions) {
        checkEntitlement(entitlement, p, groups);
        if (held.has(entitlement)) continue;
        held.add(entitlement);
        objects.push({
          type: "membership",
          id: membershipId(entitlement, agent.name),
          agent: agent.name,
          parent: groupKey(entitlement),
          attributes: {}
        });
      }
    }
  }
  for (const { name } of groups.values()) objects.push({ type: "group", id: name, attributes: {} });
  return objects;
}
function checkEntitlement(entitlement, p, groups) {
  const where = `${p.system}/${p.resource}/${p.action}`;
  if (!ENTITLEMENT.test(entitlement)) {
    throw new Error(
      `ldap: ${where} maps to entitlement ${JSON.stringify(entitlement)}, which is not a valid group name (1 to 128 of A-Z a-z 0-9 . _ : * -)`
    );
  }
  const key = entitlement.toLowerCase();
  const seen = groups.get(key);
  if (seen === void 0) {
    groups.set(key, { name: entitlement, from: p });
  } else if (seen.name !== entitlement) {
    const other = `${seen.from.system}/${seen.from.resource}/${seen.from.action}`;
    throw new Error(
      `ldap: ${where} maps to entitlement ${entitlement} and ${other} to ${seen.name}; LDAP group names ignore case, so they would be the same group (spell them alike)`
    );
  }
}

// src/sync/targets/ldap/dn.ts
var DnSyntaxError = class extends Error {
  name = "DnSyntaxError";
};
var MUST_ESCAPE = /* @__PURE__ */ new Set(['"', "+", ",", ";", "<", ">", "\\"]);
function escapeDnValue(value) {
  let out = "";
  const chars = [...value];
  chars.forEach((c, i) => {
    if (c === "\0") out += "\\00";
    else if (MUST_ESCAPE.has(c)) out += `\\${c}`;
    else if (i === 0 && (c === "#" || c === " ")) out += `\\${c}`;
    else if (i === chars.length - 1 && c === " ") out += "\\ ";
    else out += c;
  });
  return out;
}
function formatRdn(type, value) {
  return `${type}=${escapeDnValue(value)}`;
}
var TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
var HEX = /^[0-9A-Fa-f]{2}$/;
function parseDn(dn) {
  const rdns = [];
  if (dn.trim() === "") return rdns;
  let i = 0;
  let rdn = [];
  for (; ; ) {
    const eq = dn.indexOf("=", i);
    if (eq < 0) throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: no '=' after position ${i}`);
    const type = dn.slice(i, eq).trim();
    if (!TYPE.test(type))
      throw new DnSyntaxError(
        `${JSON.stringify(dn)} is not a DN: bad attribute type ${JSON.stringify(type)}`
      );
    const { value, end } = readValue(dn, eq + 1);
    rdn.push({ type, value });
    i = end;
    if (i >= dn.length) break;
    const sep = dn[i];
    i++;
    if (sep === "," || sep === ";") {
      rdns.push(rdn);
      rdn = [];
    }
  }
  rdns.push(rdn);
  return rdns;
}
function readValue(dn, start) {
  let i = start;
  while (dn[i] === " ") i++;
  if (dn[i] === "#") {
    let j = i + 1;
    while (j < dn.length && /[0-9A-Fa-f]/.test(dn[j] ?? "")) j++;
    const value2 = dn.slice(i, j);
    while (dn[j] === " ") j++;
    if (j < dn.length && !isSeparator(dn[j])) {
      throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: bad hex value at position ${i}`);
    }
    return { value: value2, end: j };
  }
  const bytes = [];
  let trailingSpaces = 0;
  for (; i < dn.length && !isSeparator(dn[i]); i++) {
    const c = dn[i];
    if (c === "\\") {
      const pair = dn.slice(i + 1, i + 3);
      if (HEX.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 2;
      } else if (i + 1 < dn.length) {
        bytes.push(...Buffer.from(dn[i + 1], "utf8"));
        i += 1;
      } else {
        throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: it ends with a lone '\\'`);
      }
      trailingSpaces = 0;
    } else if (c === '"') {
      throw new DnSyntaxError(`${JSON.stringify(dn)} is not a DN: unescaped '"' at position ${i}`);
    } else {
      const code = dn.codePointAt(i);
      if (code > 65535) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(code), "utf8"));
      trailingSpaces = c === " " ? trailingSpaces + 1 : 0;
    }
  }
  const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString("utf8");
  return { value, end: i };
}
function isSeparator(c) {
  return c === "," || c === ";" || c === "+";
}
function normalizeDn(dn) {
  const rdns = typeof dn === "string" ? parseDn(dn) : dn;
  return rdns.map(
    (rdn) => rdn.map((ava) => formatRdn(ava.type.toLowerCase(), ava.value.toLowerCase().replace(/ +/g, " "))).sort().join("+")
  ).join(",");
}
function childValue(dn, type, normalizedParent) {
  let rdns;
  try {
    rdns = parseDn(dn);
  } catch {
    return void 0;
  }
  const [first, ...rest] = rdns;
  if (!first || first.length !== 1 || rest.length === 0) return void 0;
  const ava = first[0];
  if (ava.type.toLowerCase() !== type.toLowerCase()) return void 0;
  return normalizeDn(rest) === normalizedParent ? ava.value : void 0;
}

// src/sync/targets/ldap/errors.ts
var RESULT_NAMES = { 122: "assertion failed" };
var TRANSIENT_CODES = /* @__PURE__ */ new Set([51, 52]);
var TRANSIENT_ERRNOS = /* @__PURE__ */ new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN"
]);
var TRANSIENT_MESSAGES = /Connection closed before message response|Socket connection not established|Operation timed out|Connection timeout|socket hang up/i;
function resultCode(error) {
  return error instanceof ResultCodeError ? error.code : void 0;
}
function describeLdapError(error) {
  if (error instanceof ResultCodeError) {
    const name = RESULT_NAMES[error.code] ?? error.name.replace(/Error$/, "").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    const diagnostic = error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, "").trim();
    return `${name} (LDAP result ${error.code})${diagnostic ? `: ${diagnostic}` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
function isTransient(error) {
  if (error instanceof RetryableError) return true;
  if (error instanceof ResultCodeError) return TRANSIENT_CODES.has(error.code);
  if (!(error instanceof Error)) return false;
  const code = error.code;
  return code !== void 0 && TRANSIENT_ERRNOS.has(code) || TRANSIENT_MESSAGES.test(error.message);
}
function ldapError(error, what) {
  if (error instanceof RetryableError) return error;
  const message = `${what}: ${describeLdapError(error)}`;
  return isTransient(error) ? new RetryableError(message, void 0, { cause: error }) : new Error(message, { cause: error });
}

// src/sync/targets/ldap/settings.ts
function readLdapSettings(settings) {
  const problems = [];
  const text = (key) => {
    const value = settings[key];
    if (typeof value !== "string" || value.trim() === "") {
      problems.push(`${key} must be a non-empty string`);
      return "";
    }
    return value.trim();
  };
  const dn = (key) => {
    const written = text(key);
    if (written === "") return { written, normalized: "" };
    try {
      if (parseDn(written).length === 0) throw new DnSyntaxError("it is empty");
      return { written, normalized: normalizeDn(written) };
    } catch (error) {
      problems.push(
        `${key} ${JSON.stringify(written)} is not a distinguished name: ${error.message}`
      );
      return { written, normalized: "" };
    }
  };
  const url = text("url");
  if (url && !/^ldaps?:\/\/[^\s/]+\/?$/i.test(url)) {
    problems.push(`url ${url} must be ldap://host[:port] or ldaps://host[:port]`);
  }
  const bindDn = dn("bindDn");
  const agentsDn = dn("agentsDn");
  const groupsDn = dn("groupsDn");
  const passwordEnv = settings.passwordEnv;
  if (typeof passwordEnv !== "string" || passwordEnv === "") {
    problems.push("passwordEnv must name the environment variable holding the password of bindDn");
  }
  const timeoutSeconds = typeof settings.timeoutSeconds === "number" ? settings.timeoutSeconds : 30;
  if (problems.length > 0) return { problems };
  return {
    value: {
      url,
      bindDn: bindDn.written,
      passwordEnv,
      agentsDn: agentsDn.written,
      agentsDnNormalized: agentsDn.normalized,
      groupsDn: groupsDn.written,
      groupsDnNormalized: groupsDn.normalized,
      timeoutMs: Math.round(timeoutSeconds * 1e3)
    },
    problems
  };
}
function checkLdapSettings(settings, env) {
  const { value, problems } = readLdapSettings(settings);
  if (value && !env[value.passwordEnv]) {
    problems.push(`passwordEnv: the environment variable ${value.passwordEnv} is not set`);
  }
  return problems;
}

// src/sync/targets/ldap/connection.ts
var MARKER_ATTRIBUTE = "businessCategory";
var MARKER_VALUE = "leash-managed";
var DISABLED_ATTRIBUTE = "pwdEndTime";
var DISABLED_VALUE = "19700101000000Z";
var PAGE_SIZE = 200;
var ASSERTION_FAILED = 122;
var AssertionControl = class extends Control {
  constructor(filter) {
    super("1.3.6.1.1.12", { critical: true });
    this.filter = filter;
  }
  filter;
  writeControl(writer) {
    const value = new BerWriter();
    this.filter.write(value);
    writer.writeBuffer(value.buffer, 4);
  }
};
var markerFilter = () => new EqualityFilter({ attribute: MARKER_ATTRIBUTE, value: MARKER_VALUE });
var isLeash = () => new AssertionControl(markerFilter());
async function connectLdap(context) {
  const target = `ldap target ${context.name}`;
  const { value: settings, problems } = readLdapSettings(context.settings);
  if (!settings) throw new Error(`${target}: ${problems.join("; ")}`);
  const password = context.env[settings.passwordEnv];
  if (!password) {
    throw new Error(`${target}: the environment variable ${settings.passwordEnv} (passwordEnv) is not set`);
  }
  context.signal?.throwIfAborted();
  const client = new Client({
    url: settings.url,
    timeout: settings.timeoutMs,
    connectTimeout: settings.timeoutMs,
    // A timed-out operation drops the socket; the next one reconnects and binds again.
    autoRebind: true
  });
  const connection = new LdapConnection(client, settings, target);
  try {
    try {
      await client.bind(settings.bindDn, password);
    } catch (error) {
      throw ldapError(error, `${target}: binding to ${settings.url} as ${settings.bindDn}`);
    }
    await connection.checkContainer("agentsDn", settings.agentsDn);
    await connection.checkContainer("groupsDn", settings.groupsDn);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}
var LdapConnection = class {
  constructor(client, settings, target) {
    this.client = client;
    this.settings = settings;
    this.target = target;
  }
  client;
  settings;
  target;
  entryDn(agent) {
    return `${formatRdn("uid", agent)},${this.settings.agentsDn}`;
  }
  groupDn(entitlement) {
    return `${formatRdn("cn", entitlement)},${this.settings.groupsDn}`;
  }
  /** Throws a clear error when a container is missing: leash never creates them. */
  async checkContainer(setting, dn) {
    try {
      await this.client.search(dn, { scope: "base", attributes: ["1.1"] });
    } catch (error) {
      throw this.containerError(error, setting, dn);
    }
  }
  containerError(error, setting, dn) {
    if (error instanceof NoSuchObjectError) {
      return new Error(
        `${this.target}: ${setting} ${dn} does not exist in the directory (or ${this.settings.bindDn} may not see it); create it first, leash does not create containers`,
        { cause: error }
      );
    }
    if (error instanceof SizeLimitExceededError) {
      return new Error(
        `${this.target}: reading ${setting} ${dn} stopped at the directory's size limit, so the list would be partial; let ${this.settings.bindDn} page through every entry (OpenLDAP: limits dn.exact="${this.settings.bindDn}" size.prtotal=unlimited)`,
        { cause: error }
      );
    }
    return ldapError(error, `${this.target}: reading ${setting} ${dn}`);
  }
  async read(signal) {
    const { agentsDnNormalized, groupsDnNormalized } = this.settings;
    signal?.throwIfAborted();
    const entries = await this.searchContainer("agentsDn", "inetOrgPerson", ["uid", DISABLED_ATTRIBUTE]);
    const objects = [];
    const agents = /* @__PURE__ */ new Map();
    for (const entry of entries) {
      const name = childValue(entry.dn, "uid", agentsDnNormalized);
      if (name === void 0 || !isAgentName(name)) continue;
      agents.set(name, name);
      const disabled = values(entry, DISABLED_ATTRIBUTE).includes(DISABLED_VALUE);
      objects.push({ type: "entry", id: name, agent: name, attributes: { enabled: !disabled } });
    }
    signal?.throwIfAborted();
    const groups = await this.searchContainer("groupsDn", "groupOfNames", ["member"]);
    for (const group of groups) {
      const entitlement = childValue(group.dn, "cn", groupsDnNormalized);
      if (entitlement === void 0 || !isEntitlementName(entitlement)) continue;
      objects.push({ type: "group", id: entitlement, attributes: {} });
      const seen = /* @__PURE__ */ new Set();
      for (const member of values(group, "member")) {
        const value = childValue(member, "uid", agentsDnNormalized);
        const agent = value === void 0 ? void 0 : agents.get(value.toLowerCase());
        if (agent === void 0 || seen.has(agent)) continue;
        seen.add(agent);
        objects.push({
          type: "membership",
          id: membershipId(entitlement, agent),
          agent,
          parent: groupKey(entitlement),
          attributes: {}
        });
      }
    }
    return objects;
  }
  /**
   * One agent's entry and memberships, as read() would find them: two searches the directory
   * answers from its indexes (the entry by uid, the groups by member), whatever the number of
   * agents. The directory matches `member` by DN, as read() does.
   */
  async readAgent(agent, signal) {
    const { agentsDnNormalized, groupsDnNormalized } = this.settings;
    signal?.throwIfAborted();
    if (!isAgentName(agent)) return [];
    const entries = await this.searchContainer(
      "agentsDn",
      "inetOrgPerson",
      ["uid", DISABLED_ATTRIBUTE],
      [new EqualityFilter({ attribute: "uid", value: agent })]
    );
    const entry = entries.find((e) => childValue(e.dn, "uid", agentsDnNormalized) === agent);
    if (!entry) return [];
    const disabled = values(entry, DISABLED_ATTRIBUTE).includes(DISABLED_VALUE);
    const objects = [
      { type: "entry", id: agent, agent, attributes: { enabled: !disabled } }
    ];
    signal?.throwIfAborted();
    const groups = await this.searchContainer(
      "groupsDn",
      "groupOfNames",
      ["1.1"],
      [new EqualityFilter({ attribute: "member", value: this.entryDn(agent) })]
    );
    for (const group of groups) {
      const entitlement = childValue(group.dn, "cn", groupsDnNormalized);
      if (entitlement === void 0 || !isEntitlementName(entitlement)) continue;
      objects.push({
        type: "membership",
        id: membershipId(entitlement, agent),
        agent,
        parent: groupKey(entitlement),
        attributes: {}
      });
    }
    return objects;
  }
  /**
   * One paged one-level search for the marked entries of a container (narrowed by `narrow`);
   * throws rather than return part.
   */
  async searchContainer(setting, objectClass, attributes, narrow = []) {
    const base = this.settings[setting];
    let result;
    try {
      result = await this.client.search(base, {
        // Leash only creates direct children of its containers.
        scope: "one",
        filter: new AndFilter({
          filters: [
            new EqualityFilter({ attribute: "objectClass", value: objectClass }),
            markerFilter(),
            ...narrow
          ]
        }),
        attributes,
        paged: { pageSize: PAGE_SIZE }
      });
    } catch (error) {
      throw this.containerError(error, setting, base);
    }
    if (result.searchReferences.length > 0) {
      throw new Error(
        `${this.target}: the directory refers part of ${setting} ${base} to other servers (${result.searchReferences.join(", ")}); leash does not follow referrals, so it cannot read all of it`
      );
    }
    return result.searchEntries;
  }
  async apply(change, signal) {
    signal?.throwIfAborted();
    if (change.type === "entry") return this.applyEntry(change);
    if (change.type === "group") return this.applyGroup(change);
    if (change.type === "membership") return this.applyMembership(change);
    throw new Error(`${this.target}: unknown object type ${change.type}`);
  }
  async applyEntry(change) {
    const dn = this.entryDn(change.id);
    const enabled = change.after?.enabled !== false;
    if (change.op === "create") {
      const attributes = {
        objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"],
        uid: [change.id],
        cn: [change.id],
        sn: [change.id],
        [MARKER_ATTRIBUTE]: [MARKER_VALUE],
        description: [
          `AI agent ${change.id}, managed by leash: changes made here are undone by the next sync`
        ],
        ...enabled ? {} : { [DISABLED_ATTRIBUTE]: [DISABLED_VALUE] }
      };
      try {
        await this.client.add(dn, attributes);
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw ldapError(error, `adding ${dn}`);
        const existing = await this.lookup(dn, [MARKER_ATTRIBUTE, DISABLED_ATTRIBUTE]);
        if (!existing || !isMarked(existing)) {
          throw new Error(
            `adding ${dn}: an entry with that name already exists and leash did not create it (it lacks ${MARKER_ATTRIBUTE}: ${MARKER_VALUE}); leash leaves it alone, so rename or remove it, or rename the agent`,
            { cause: error }
          );
        }
        if (values(existing, DISABLED_ATTRIBUTE).includes(DISABLED_VALUE) === enabled) {
          throw new Error(`adding ${dn}: leash's entry exists already; the next sync brings it up to date`);
        }
      }
      return;
    }
    if (change.op === "update") {
      const modification = new Attribute({ type: DISABLED_ATTRIBUTE, values: [DISABLED_VALUE] });
      try {
        await this.client.modify(
          dn,
          // Enabling removes only leash's value, so an expiry an administrator set stays.
          new Change({ operation: enabled ? "delete" : "replace", modification }),
          isLeash()
        );
      } catch (error) {
        if (enabled && error instanceof NoSuchAttributeError) return;
        throw this.writeError(error, enabled ? `enabling ${dn}` : `disabling ${dn}`);
      }
      return;
    }
    await this.refuseWhileMember(dn);
    try {
      await this.client.del(dn, isLeash());
    } catch (error) {
      if (error instanceof NoSuchObjectError) return;
      throw this.writeError(error, `deleting ${dn}`);
    }
  }
  /** An entry is deleted only once none of leash's groups lists it, so no member is left dangling. */
  async refuseWhileMember(dn) {
    let result;
    try {
      result = await this.client.search(this.settings.groupsDn, {
        scope: "one",
        filter: new AndFilter({
          filters: [markerFilter(), new EqualityFilter({ attribute: "member", value: dn })]
        }),
        attributes: ["cn"],
        sizeLimit: 5
      });
    } catch (error) {
      throw ldapError(error, `deleting ${dn}: looking for the groups it is in`);
    }
    if (result.searchEntries.length > 0) {
      const names = result.searchEntries.map((e) => e.dn).join("; ");
      throw new Error(
        `deleting ${dn}: it is still a member of leash's groups (${names}); remove those memberships first`
      );
    }
  }
  async applyGroup(change) {
    const dn = this.groupDn(change.id);
    if (change.op === "create") {
      try {
        await this.client.add(dn, {
          objectClass: ["top", "groupOfNames"],
          cn: [change.id],
          // groupOfNames must have a member: the group's own DN holds the place, never an agent.
          member: [dn],
          [MARKER_ATTRIBUTE]: [MARKER_VALUE],
          description: [
            `Entitlement ${change.id}, managed by leash: its members are the agents granted it (the group's own DN is a placeholder member)`
          ]
        });
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw ldapError(error, `adding ${dn}`);
        const existing2 = await this.lookup(dn, [MARKER_ATTRIBUTE]);
        if (!existing2 || !isMarked(existing2)) {
          throw new Error(
            `adding ${dn}: a group with that name already exists and leash did not create it (it lacks ${MARKER_ATTRIBUTE}: ${MARKER_VALUE}); leash leaves it alone, so rename or remove it, or map the permission to another entitlement`,
            { cause: error }
          );
        }
      }
      return;
    }
    if (change.op === "update") throw new Error(`${this.target}: a group has nothing to update (${dn})`);
    const existing = await this.lookup(dn, [MARKER_ATTRIBUTE, "member"]);
    if (!existing) return;
    if (!isMarked(existing))
      throw new Error(`deleting ${dn}: leash did not create it, so it leaves it alone`);
    const self = normalizeDn(dn);
    const others = values(existing, "member").filter((m) => {
      try {
        return normalizeDn(m) !== self;
      } catch {
        return true;
      }
    });
    if (others.length > 0) {
      throw new Error(
        `deleting ${dn}: it still has members besides its placeholder (${others.join("; ")}); leash does not remove members it did not add, so it keeps the group until they are gone`
      );
    }
    try {
      await this.client.del(dn, isLeash());
    } catch (error) {
      if (error instanceof NoSuchObjectError) return;
      throw this.writeError(error, `deleting ${dn}`);
    }
  }
  async applyMembership(change) {
    const entitlement = change.parent?.startsWith("group/") ? change.parent.slice("group/".length) : void 0;
    if (entitlement === void 0 || change.agent === void 0) {
      throw new Error(`${this.target}: membership ${change.id} names no group or agent`);
    }
    const group = this.groupDn(entitlement);
    const member = this.entryDn(change.agent);
    if (change.op === "update")
      throw new Error(`${this.target}: a membership has nothing to update (${change.id})`);
    const modification = new Attribute({ type: "member", values: [member] });
    try {
      await this.client.modify(
        group,
        new Change({ operation: change.op === "create" ? "add" : "delete", modification }),
        isLeash()
      );
    } catch (error) {
      if (change.op === "create" && error instanceof TypeOrValueExistsError) return;
      if (change.op === "delete" && (error instanceof NoSuchAttributeError || error instanceof NoSuchObjectError))
        return;
      const what = change.op === "create" ? `adding ${member} to ${group}` : `removing ${member} from ${group}`;
      throw this.writeError(error, what);
    }
  }
  writeError(error, what) {
    if (resultCode(error) === ASSERTION_FAILED) {
      return new Error(
        `${what}: leash did not create it (it lacks ${MARKER_ATTRIBUTE}: ${MARKER_VALUE}), so it leaves it alone`,
        {
          cause: error
        }
      );
    }
    return ldapError(error, what);
  }
  /** One entry by DN, or undefined when there is none. */
  async lookup(dn, attributes) {
    try {
      const { searchEntries } = await this.client.search(dn, { scope: "base", attributes });
      return searchEntries[0];
    } catch (error) {
      if (error instanceof NoSuchObjectError) return void 0;
      throw ldapError(error, `reading ${dn}`);
    }
  }
  async close() {
    try {
      await this.client.unbind();
    } catch {
    }
  }
};
function values(entry, attribute) {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === void 0 ? void 0 : entry[key];
  if (value === void 0) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => Buffer.isBuffer(v) ? v.toString("utf8") : v);
}
function isMarked(entry) {
  return values(entry, MARKER_ATTRIBUTE).some((v) => v.toLowerCase() === MARKER_VALUE);
}

// src/sync/targets/ldap/index.ts
var ldapAdapter = {
  type: "ldap",
  objectTypes: LDAP_OBJECT_TYPES,
  checkSettings: checkLdapSettings,
  desired: desiredLdapObjects,
  defaults: {
    object: (system, resource) => `${system}.${resource}`,
    permissions: (action, system, resource) => [defaultEntitlement(system, resource, action.name)]
  },
  connect: connectLdap
};
export {
  ldapAdapter
};
